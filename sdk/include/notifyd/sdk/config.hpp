#pragma once
// The configuration a plugin declares (ConfigSchema) and the validated, typed
// view of its table that the host hands back (PluginConfig). toml++ never
// appears here: the host owns parsing.

#include <chrono>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace notifyd::sdk {

/// The type of one config key, as checked by the host.
enum class ConfigType : std::uint32_t {
  string = 1,
  integer = 2,
  boolean = 3,
  duration = 4,     ///< a TOML string such as "30s", "5m", "1h"
  string_list = 5,  ///< a TOML array of strings
  secret = 6,       ///< never inline: read from `<key>_env` (a variable) or `<key>_file`
  path = 7,         ///< a string; a relative path is resolved against the config file's directory, "~/…" is kept
};

/// Human name of a config type, used in error messages and `--describe-plugins`.
std::string_view config_type_name(ConfigType type) noexcept;

/// A config value after validation: the key's declared type, or monostate when
/// an optional key without default is absent.
using ConfigValue = std::variant<std::monostate, std::string, std::int64_t, bool,
                                 std::chrono::milliseconds, std::vector<std::string>>;

/// One key a plugin accepts in its `[[plugin]]` table.
struct ConfigKey {
  std::string name;
  ConfigType type = ConfigType::string;
  ConfigValue default_value;  ///< used when the key is absent; monostate = none
  std::string help;
  bool required = false;
};

/// The keys a plugin declares. Filled by the plugin's static `describe()`;
/// read by the host to validate the TOML table and to print plugin docs.
class ConfigSchema {
 public:
  /// One line saying what the plugin does, shown by `--describe-plugins`.
  ConfigSchema& summary(std::string text) { summary_ = std::move(text); return *this; }
  /// Declares a string key with a default.
  ConfigSchema& string(std::string name, std::string default_value, std::string help) {
    return add({std::move(name), ConfigType::string, std::move(default_value), std::move(help)});
  }
  /// Declares a string key that must be present.
  ConfigSchema& required_string(std::string name, std::string help) {
    return add({std::move(name), ConfigType::string, {}, std::move(help), true});
  }
  /// Declares an integer key with a default.
  ConfigSchema& integer(std::string name, std::int64_t default_value, std::string help) {
    return add({std::move(name), ConfigType::integer, default_value, std::move(help)});
  }
  /// Declares a boolean key with a default.
  ConfigSchema& boolean(std::string name, bool default_value, std::string help) {
    return add({std::move(name), ConfigType::boolean, default_value, std::move(help)});
  }
  /// Declares a duration key ("30s", "5m") with a default.
  ConfigSchema& duration(std::string name, std::chrono::milliseconds default_value, std::string help) {
    return add({std::move(name), ConfigType::duration, default_value, std::move(help)});
  }
  /// Declares a filesystem path with a default; the host makes it absolute
  /// (relative to the config file's directory). Read it with `string()`.
  ConfigSchema& path(std::string name, std::string default_value, std::string help) {
    return add({std::move(name), ConfigType::path, std::move(default_value), std::move(help)});
  }
  /// Declares a list-of-strings key with a default.
  ConfigSchema& string_list(std::string name, std::vector<std::string> default_value, std::string help) {
    return add({std::move(name), ConfigType::string_list, std::move(default_value), std::move(help)});
  }
  /// Declares a secret: the table names it as `<name>_env` or `<name>_file`,
  /// never inline. When neither is given the secret is empty.
  ConfigSchema& secret(std::string name, std::string help) {
    return add({std::move(name), ConfigType::secret, {}, std::move(help)});
  }
  /// Declares a key in full.
  ConfigSchema& add(ConfigKey key) { keys_.push_back(std::move(key)); return *this; }

  /// The declared keys, in declaration order.
  const std::vector<ConfigKey>& keys() const noexcept { return keys_; }
  /// The one-line summary.
  const std::string& summary() const noexcept { return summary_; }
  /// The key named `name`, or nullptr.
  const ConfigKey* find(std::string_view name) const noexcept {
    for (const auto& key : keys_) {
      if (key.name == name) return &key;
    }
    return nullptr;
  }

 private:
  std::string summary_;
  std::vector<ConfigKey> keys_;
};

/// The validated config of one plugin instance. Every declared key is present
/// (explicit value, default, or monostate). Built by the host; read by the
/// plugin from any thread (it never changes after creation).
class PluginConfig {
 public:
  PluginConfig() = default;
  PluginConfig(std::map<std::string, ConfigValue, std::less<>> values,
               std::vector<std::string> explicitly_set)
      : values_(std::move(values)), explicitly_set_(std::move(explicitly_set)) {}

  /// A string, path or secret key; empty when absent. Throws std::out_of_range on an
  /// undeclared key (a programming error inside the plugin).
  const std::string& string(std::string_view key) const {
    static const std::string empty;
    const auto* value = find<std::string>(key);
    return value ? *value : empty;
  }
  /// The secret named `key` (resolved from its variable or file); empty when not configured.
  const std::string& secret(std::string_view key) const { return string(key); }
  /// An integer key; 0 when absent.
  std::int64_t integer(std::string_view key) const {
    const auto* value = find<std::int64_t>(key);
    return value ? *value : 0;
  }
  /// A boolean key; false when absent.
  bool boolean(std::string_view key) const {
    const auto* value = find<bool>(key);
    return value ? *value : false;
  }
  /// A duration key; zero when absent.
  std::chrono::milliseconds duration(std::string_view key) const {
    const auto* value = find<std::chrono::milliseconds>(key);
    return value ? *value : std::chrono::milliseconds{0};
  }
  /// A list-of-strings key; empty when absent.
  const std::vector<std::string>& strings(std::string_view key) const {
    static const std::vector<std::string> none;
    const auto* value = find<std::vector<std::string>>(key);
    return value ? *value : none;
  }
  /// True when the table set `key` itself rather than taking the default.
  bool is_set(std::string_view key) const {
    for (const auto& name : explicitly_set_) {
      if (name == key) return true;
    }
    return false;
  }
  /// The same values, and the same keys set by the table itself (a reload keeps
  /// a plugin instance whose config compares equal).
  bool operator==(const PluginConfig&) const = default;

 private:
  template <class T>
  const T* find(std::string_view key) const {
    auto it = values_.find(key);
    if (it == values_.end()) throw std::out_of_range("undeclared config key: " + std::string(key));
    return std::get_if<T>(&it->second);
  }

  std::map<std::string, ConfigValue, std::less<>> values_;
  std::vector<std::string> explicitly_set_;
};

}  // namespace notifyd::sdk
