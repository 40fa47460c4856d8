#include "config_table_validator.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "notifyd/sdk/duration.hpp"

namespace notifyd::core {
namespace {

constexpr std::size_t max_secret_file_bytes = 64 * 1024;

std::string_view toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date/time";
  }
}

std::string known_keys(const sdk::ConfigSchema& schema) {
  std::string out;
  for (const auto& key : schema.keys()) {
    if (!out.empty()) out += ", ";
    out += key.type == sdk::ConfigType::secret ? key.name + "_env, " + key.name + "_file" : key.name;
  }
  return out.empty() ? "(none)" : out;
}

std::string trim_trailing_newlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace

ConfigTableValidator::ConfigTableValidator(std::string file, std::filesystem::path base_dir, std::string what,
                                           std::function<void(std::string_view)> on_secret)
    : file_(std::move(file)), base_dir_(std::move(base_dir)), what_(std::move(what)), on_secret_(std::move(on_secret)) {}

void ConfigTableValidator::reserve(std::initializer_list<std::string_view> keys) {
  for (auto key : keys) reserved_.emplace_back(key);
}

void ConfigTableValidator::error(ConfigErrors& errors, const toml::source_region& where, std::string message) const {
  errors.push_back({file_, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column),
                    what_ + ": " + std::move(message)});
}

sdk::PluginConfig ConfigTableValidator::validate(const toml::table& table, const sdk::ConfigSchema& schema,
                                                 ConfigErrors& errors) const {
  std::map<std::string, sdk::ConfigValue, std::less<>> values;
  std::vector<std::string> explicitly_set;
  ConfigErrors found;

  for (auto&& [toml_key, node] : table) {
    const std::string_view name = toml_key.str();
    if (std::find(reserved_.begin(), reserved_.end(), name) != reserved_.end()) continue;
    const sdk::ConfigKey* key = schema.find(name);
    if (key && key->type == sdk::ConfigType::secret) {
      error(found, toml_key.source(),
            "`" + std::string(name) + "` is a secret and is never written in the config; use " + key->name +
                "_env = \"VARIABLE\" or " + key->name + "_file = \"/path/to/file\"");
      continue;
    }
    if (!key) {
      for (const std::string_view suffix : {"_env", "_file"}) {
        if (name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix) {
          const auto* secret = schema.find(name.substr(0, name.size() - suffix.size()));
          if (secret && secret->type == sdk::ConfigType::secret) key = secret;
        }
      }
      if (!key) {
        error(found, toml_key.source(), "unknown key `" + std::string(name) + "` (known keys: " + known_keys(schema) + ")");
      }
      continue;
    }
    sdk::ConfigValue value = read_value(*key, node, found);
    if (!std::holds_alternative<std::monostate>(value)) {
      values[key->name] = std::move(value);
      explicitly_set.push_back(key->name);
    }
  }

  for (const auto& key : schema.keys()) {
    if (key.type == sdk::ConfigType::secret) {
      sdk::ConfigValue secret = read_secret(key, table, found);
      if (!std::holds_alternative<std::monostate>(secret)) explicitly_set.push_back(key.name);
      values[key.name] = std::move(secret);
      continue;
    }
    if (values.contains(key.name)) continue;
    if (key.required && !table.contains(key.name)) {
      error(found, table.source(), "missing required key `" + key.name + "` (" + key.help + ")");
    }
    sdk::ConfigValue fallback = key.default_value;
    if (key.type == sdk::ConfigType::path) {
      if (const auto* path = std::get_if<std::string>(&fallback); path && !path->empty() && path->front() != '~') {
        fallback = (base_dir_ / *path).lexically_normal().string();
      }
    }
    values[key.name] = std::move(fallback);
  }
  sort_by_position(found);
  errors.insert(errors.end(), found.begin(), found.end());
  return sdk::PluginConfig(std::move(values), std::move(explicitly_set));
}

sdk::ConfigValue ConfigTableValidator::read_value(const sdk::ConfigKey& key, const toml::node& node,
                                                  ConfigErrors& errors) const {
  const auto wrong_type = [&](std::string_view expected) {
    error(errors, node.source(),
          "`" + key.name + "` must be " + std::string(expected) + ", not " + std::string(toml_type_name(node)));
    return sdk::ConfigValue{};
  };
  switch (key.type) {
    case sdk::ConfigType::string:
      if (auto value = node.value_exact<std::string>()) return *value;
      return wrong_type("a string");
    case sdk::ConfigType::path:
      if (auto value = node.value_exact<std::string>()) {
        // "~/…" names a place in each user's home; the plugin resolves it per user.
        if (value->empty() || value->front() == '~') return *value;
        return (base_dir_ / *value).lexically_normal().string();
      }
      return wrong_type("a path string");
    case sdk::ConfigType::integer:
      if (auto value = node.value_exact<std::int64_t>()) return *value;
      return wrong_type("an integer");
    case sdk::ConfigType::boolean:
      if (auto value = node.value_exact<bool>()) return *value;
      return wrong_type("true or false");
    case sdk::ConfigType::duration: {
      auto text = node.value_exact<std::string>();
      if (!text) return wrong_type("a duration string such as \"30s\" or \"5m\"");
      auto parsed = sdk::parse_duration(*text);
      if (!parsed) {
        error(errors, node.source(), "`" + key.name + "`: " + parsed.error());
        return {};
      }
      return parsed.value();
    }
    case sdk::ConfigType::string_list: {
      const auto* array = node.as_array();
      if (!array) return wrong_type("an array of strings");
      std::vector<std::string> items;
      bool ok = true;
      for (const auto& element : *array) {
        if (auto text = element.value_exact<std::string>()) {
          items.push_back(*text);
        } else {
          error(errors, element.source(),
                "`" + key.name + "` must hold only strings, found " + std::string(toml_type_name(element)));
          ok = false;
        }
      }
      return ok ? sdk::ConfigValue{std::move(items)} : sdk::ConfigValue{};
    }
    case sdk::ConfigType::secret:
      break;
  }
  return {};
}

sdk::ConfigValue ConfigTableValidator::read_secret(const sdk::ConfigKey& key, const toml::table& table,
                                                   ConfigErrors& errors) const {
  const toml::node* env = table.get(key.name + "_env");
  const toml::node* file = table.get(key.name + "_file");
  if (env && file) {
    error(errors, file->source(), "give either `" + key.name + "_env` or `" + key.name + "_file`, not both");
    return {};
  }
  if (env) {
    auto variable = env->value_exact<std::string>();
    if (!variable || variable->empty()) {
      error(errors, env->source(), "`" + key.name + "_env` must name an environment variable");
      return {};
    }
    const char* value = std::getenv(variable->c_str());
    if (!value || !*value) return {};
    if (on_secret_) on_secret_(value);
    return std::string(value);
  }
  if (file) {
    auto path_text = file->value_exact<std::string>();
    if (!path_text || path_text->empty()) {
      error(errors, file->source(), "`" + key.name + "_file` must be a path");
      return {};
    }
    const auto path = (base_dir_ / *path_text).lexically_normal();
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      error(errors, file->source(), "cannot read `" + key.name + "_file` " + path.string());
      return {};
    }
    std::string content(max_secret_file_bytes + 1, '\0');
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    content.resize(static_cast<std::size_t>(in.gcount()));
    if (content.size() > max_secret_file_bytes) {
      error(errors, file->source(), "`" + key.name + "_file` " + path.string() + " is larger than 64 KiB");
      return {};
    }
    content = trim_trailing_newlines(std::move(content));
    if (content.empty()) return {};
    if (on_secret_) on_secret_(content);
    return content;
  }
  return {};
}

}  // namespace notifyd::core
