#pragma once
// Config keys bound once to the members of a plugin's settings struct: each
// key is named in one place, with its type, default, help and constraints;
// the same declaration fills the ConfigSchema (so `--describe-plugins` prints
// the constraints) and reads the validated table into the struct, reporting
// every mistake at once.

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "notifyd/sdk/config.hpp"
#include "notifyd/sdk/config_problems.hpp"
#include "notifyd/sdk/duration.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk {

namespace detail {

inline std::string describe_bound(std::int64_t value) { return std::to_string(value); }
inline std::string describe_bound(std::chrono::milliseconds value) { return format_duration(value); }

inline std::int64_t read_key(const PluginConfig& config, const std::string& key, std::int64_t*) {
  return config.integer(key);
}
inline bool read_key(const PluginConfig& config, const std::string& key, bool*) { return config.boolean(key); }
inline std::chrono::milliseconds read_key(const PluginConfig& config, const std::string& key,
                                          std::chrono::milliseconds*) {
  return config.duration(key);
}
inline std::string read_key(const PluginConfig& config, const std::string& key, std::string*) {
  return config.string(key);
}
inline std::vector<std::string> read_key(const PluginConfig& config, const std::string& key,
                                         std::vector<std::string>*) {
  return config.strings(key);
}

template <class S>
class BoundStep {
 public:
  virtual ~BoundStep() = default;
  virtual std::optional<ConfigKey> declared() const { return std::nullopt; }
  /// Reads this step into `settings`; a refused key's name is added to `refused`.
  virtual void read(const PluginConfig& config, S& settings, ConfigProblems& problems,
                    std::vector<std::string>& refused) const = 0;
};

template <class S>
class Rule final : public BoundStep<S> {
 public:
  Rule(std::vector<std::string> needs, std::function<void(const S&, ConfigProblems&)> check)
      : needs_(std::move(needs)), check_(std::move(check)) {}
  void read(const PluginConfig&, S& settings, ConfigProblems& problems,
            std::vector<std::string>& refused) const override {
    for (const auto& key : needs_) {
      if (std::find(refused.begin(), refused.end(), key) != refused.end()) return;
    }
    check_(settings, problems);
  }

 private:
  std::vector<std::string> needs_;
  std::function<void(const S&, ConfigProblems&)> check_;
};

}  // namespace detail

/// One key of a `SettingsSchema<S>` whose value has type `V` (std::string for
/// string, path and secret keys; std::int64_t; bool; std::chrono::milliseconds;
/// std::vector<std::string>). Returned by the schema's declaring calls, then
/// told where the value goes (`into`) and what it must satisfy. Each
/// constraint adds "must be <description>" to the key's help; a value that
/// breaks it is reported as `key: must be <description>`.
template <class S, class V>
class KeyBinding final : public detail::BoundStep<S> {
 public:
  /// A constraint: what the docs say the value must be, and the test. The
  /// test returns the problem, or an empty string when the value is right.
  struct Constraint {
    std::string description;
    std::function<std::string(const V&)> problem;
  };

  /// Made by the declaring calls of `SettingsSchema`.
  explicit KeyBinding(ConfigKey key) : key_(std::move(key)) {}

  /// Stores the value in `member`. An integer key may go into any integral
  /// member (a value the member cannot hold is a problem); a duration key
  /// into any std::chrono::duration.
  template <class M>
  KeyBinding& into(M S::*member) {
    store_ = [this, member](const V& value, S& settings, ConfigProblems& problems) {
      if constexpr (std::is_same_v<V, std::int64_t> && std::is_integral_v<M> && !std::is_same_v<M, bool>) {
        if (!std::in_range<M>(value)) {
          problems.add(key_.name, "must be between " + std::to_string(std::numeric_limits<M>::min()) + " and " +
                                      std::to_string(std::numeric_limits<M>::max()));
          return false;
        }
        settings.*member = static_cast<M>(value);
      } else if constexpr (std::is_same_v<V, std::chrono::milliseconds> && !std::is_same_v<M, V>) {
        settings.*member = std::chrono::duration_cast<M>(value);
      } else {
        settings.*member = M(value);
      }
      return true;
    };
    return *this;
  }

  /// Stores `convert(value)` in `member`; a failed conversion is reported as
  /// `key: <its error>`. `convert` returns `Result<M>`.
  template <class M, class Convert>
    requires std::same_as<std::invoke_result_t<Convert, const V&>, Result<M>>
  KeyBinding& into(M S::*member, Convert convert) {
    store_ = [this, member, convert = std::move(convert)](const V& value, S& settings, ConfigProblems& problems) {
      auto converted = convert(value);
      if (!converted) {
        problems.add(key_.name, converted.error());
        return false;
      }
      settings.*member = std::move(converted).value();
      return true;
    };
    return *this;
  }

  /// Stores the value through `set(settings, value)`: for a member of a
  /// member, or one that takes the value in another form.
  template <class Set>
    requires std::invocable<Set, S&, const V&>
  KeyBinding& into(Set set) {
    store_ = [set = std::move(set)](const V& value, S& settings, ConfigProblems&) {
      set(settings, value);
      return true;
    };
    return *this;
  }

  /// Stores `convert(value)` through `set(settings, converted)`; a failed
  /// conversion is reported as `key: <its error>`.
  template <class Set, class Convert>
    requires std::invocable<Set, S&, decltype(std::declval<std::invoke_result_t<Convert, const V&>>().value())>
  KeyBinding& into(Set set, Convert convert) {
    store_ = [this, set = std::move(set), convert = std::move(convert)](const V& value, S& settings,
                                                                         ConfigProblems& problems) {
      auto converted = convert(value);
      if (!converted) {
        problems.add(key_.name, converted.error());
        return false;
      }
      set(settings, std::move(converted).value());
      return true;
    };
    return *this;
  }

  /// The value must satisfy `test`; "must be <description>" otherwise.
  KeyBinding& satisfies(std::string description, std::function<bool(const V&)> test) {
    std::string message = "must be " + description;
    return check(std::move(description), [message = std::move(message), test = std::move(test)](const V& value) {
      return test(value) ? std::string() : message;
    });
  }

  /// The value must pass `problem`, which returns what is wrong (e.g. naming
  /// the offending item of a list) or an empty string; `description` is what
  /// the docs say the value must be.
  KeyBinding& check(std::string description, std::function<std::string(const V&)> problem) {
    constraints_.push_back({std::move(description), std::move(problem)});
    return *this;
  }

  /// An integer or duration above zero.
  KeyBinding& positive() requires(std::is_same_v<V, std::int64_t> || std::is_same_v<V, std::chrono::milliseconds>) {
    return satisfies("above 0", [](const V& value) { return value > V{}; });
  }
  /// An integer or duration no smaller than `low`.
  KeyBinding& at_least(V low) requires(std::is_same_v<V, std::int64_t> || std::is_same_v<V, std::chrono::milliseconds>) {
    return satisfies("at least " + detail::describe_bound(low), [low](const V& value) { return value >= low; });
  }
  /// An integer or duration no greater than `high`.
  KeyBinding& at_most(V high) requires(std::is_same_v<V, std::int64_t> || std::is_same_v<V, std::chrono::milliseconds>) {
    return satisfies("at most " + detail::describe_bound(high), [high](const V& value) { return value <= high; });
  }
  /// An integer or duration from `low` to `high`, both included.
  KeyBinding& between(V low, V high)
    requires(std::is_same_v<V, std::int64_t> || std::is_same_v<V, std::chrono::milliseconds>) {
    return satisfies("between " + detail::describe_bound(low) + " and " + detail::describe_bound(high),
                     [low, high](const V& value) { return value >= low && value <= high; });
  }
  /// A string or list that is not empty.
  KeyBinding& not_empty() requires(std::is_same_v<V, std::string> || std::is_same_v<V, std::vector<std::string>>) {
    return satisfies("not empty", [](const V& value) { return !value.empty(); });
  }
  /// A string equal to one of `choices`.
  KeyBinding& one_of(std::vector<std::string> choices) requires std::is_same_v<V, std::string> {
    std::string listed;
    for (const auto& choice : choices) listed += (listed.empty() ? "" : ", ") + ("\"" + choice + "\"");
    return check("one of " + listed, [listed, choices = std::move(choices)](const std::string& value) {
      for (const auto& choice : choices) {
        if (value == choice) return std::string();
      }
      return "must be one of " + listed + ", got \"" + value + "\"";
    });
  }
  /// A string without control characters (they would break a log line or an environment).
  KeyBinding& printable() requires std::is_same_v<V, std::string> {
    return check("free of control characters", [](const std::string& value) {
      for (unsigned char c : value) {
        if (c < 0x20 || c == 0x7F) return std::string("contains a control character");
      }
      return std::string();
    });
  }
  /// A string that starts with '/'.
  KeyBinding& absolute_path() requires std::is_same_v<V, std::string> {
    return check("an absolute path", [](const std::string& value) {
      return !value.empty() && value.front() == '/' ? std::string() : "\"" + value + "\" is not an absolute path";
    });
  }

  /// The key as declared, its help followed by what its constraints say it must be.
  std::optional<ConfigKey> declared() const override {
    ConfigKey key = key_;
    std::string musts;
    for (const auto& constraint : constraints_) musts += (musts.empty() ? "" : ", ") + constraint.description;
    if (!musts.empty()) key.help += (key.help.empty() ? "must be " : "; must be ") + musts;
    return key;
  }

  /// Reads the value, reports the first constraint it breaks, else stores it.
  void read(const PluginConfig& config, S& settings, ConfigProblems& problems,
            std::vector<std::string>& refused) const override {
    const V value = detail::read_key(config, key_.name, static_cast<V*>(nullptr));
    for (const auto& constraint : constraints_) {
      if (auto problem = constraint.problem(value); !problem.empty()) {
        problems.add(key_.name, problem);
        refused.push_back(key_.name);
        return;
      }
    }
    if (store_ && !store_(value, settings, problems)) refused.push_back(key_.name);
  }

 private:
  ConfigKey key_;
  std::vector<Constraint> constraints_;
  std::function<bool(const V&, S&, ConfigProblems&)> store_;
};

/// The keys of a plugin bound to the members of its settings struct `S`
/// (default-constructible). Built once, usually in a function returning a
/// static instance; `describe` is called from the plugin's static
/// `describe(ConfigSchema&)`, `read` from its `configure()`:
///
///     static const auto schema = [] {
///       sdk::SettingsSchema<Settings> s("What the plugin does.");
///       s.duration("idle_timeout", 30s, "...").into(&Settings::idle_timeout).positive();
///       s.string("format", "text", "...").into(&Settings::format).one_of({"text", "json"});
///       return s;
///     }();
///
/// Not thread-safe while being built; read-only (any thread) afterwards.
template <class S>
class SettingsSchema {
 public:
  /// `summary` is the one line `--describe-plugins` prints for the plugin.
  explicit SettingsSchema(std::string summary = {}) : summary_(std::move(summary)) {}

  /// Declares a string key with a default.
  KeyBinding<S, std::string>& string(std::string name, std::string default_value, std::string help) {
    return add<std::string>({std::move(name), ConfigType::string, std::move(default_value), std::move(help)});
  }
  /// Declares a string key that must be present.
  KeyBinding<S, std::string>& required_string(std::string name, std::string help) {
    return add<std::string>({std::move(name), ConfigType::string, {}, std::move(help), true});
  }
  /// Declares a filesystem path (made absolute by the host) with a default.
  KeyBinding<S, std::string>& path(std::string name, std::string default_value, std::string help) {
    return add<std::string>({std::move(name), ConfigType::path, std::move(default_value), std::move(help)});
  }
  /// Declares a filesystem path that must be present.
  KeyBinding<S, std::string>& required_path(std::string name, std::string help) {
    return add<std::string>({std::move(name), ConfigType::path, {}, std::move(help), true});
  }
  /// Declares a secret (`<name>_env` or `<name>_file` in the table); empty when neither is given.
  KeyBinding<S, std::string>& secret(std::string name, std::string help) {
    return add<std::string>({std::move(name), ConfigType::secret, {}, std::move(help)});
  }
  /// Declares an integer key with a default.
  KeyBinding<S, std::int64_t>& integer(std::string name, std::int64_t default_value, std::string help) {
    return add<std::int64_t>({std::move(name), ConfigType::integer, default_value, std::move(help)});
  }
  /// Declares a boolean key with a default.
  KeyBinding<S, bool>& boolean(std::string name, bool default_value, std::string help) {
    return add<bool>({std::move(name), ConfigType::boolean, default_value, std::move(help)});
  }
  /// Declares a duration key ("30s", "5m") with a default.
  KeyBinding<S, std::chrono::milliseconds>& duration(std::string name, std::chrono::milliseconds default_value,
                                                     std::string help) {
    return add<std::chrono::milliseconds>({std::move(name), ConfigType::duration, default_value, std::move(help)});
  }
  /// Declares a list-of-strings key with a default.
  KeyBinding<S, std::vector<std::string>>& string_list(std::string name, std::vector<std::string> default_value,
                                                       std::string help) {
    return add<std::vector<std::string>>(
        {std::move(name), ConfigType::string_list, std::move(default_value), std::move(help)});
  }
  /// A check across keys, run in declaration order on what the keys declared
  /// before it stored, unless one of the keys in `needs` was refused (its
  /// problem is reported already; the struct holds its default). A key left
  /// out of `needs` may hold its default when the rule runs.
  SettingsSchema& rule(std::vector<std::string> needs, std::function<void(const S&, ConfigProblems&)> check) {
    steps_.push_back(std::make_unique<detail::Rule<S>>(std::move(needs), std::move(check)));
    return *this;
  }

  /// Declares the summary and every bound key, constraints in the help, in `schema`.
  void describe(ConfigSchema& schema) const {
    if (!summary_.empty()) schema.summary(summary_);
    for (const auto& step : steps_) {
      if (auto key = step->declared()) schema.add(std::move(*key));
    }
  }

  /// Reads `config` into a default `S`: every key's constraints, conversions
  /// and rules, in declaration order. Fails with every problem, one
  /// `key: message` line each (the form ConfigProblems makes).
  Result<S> read(const PluginConfig& config) const {
    S settings{};
    ConfigProblems problems;
    std::vector<std::string> refused;
    for (const auto& step : steps_) step->read(config, settings, problems, refused);
    if (!problems.empty()) return Result<S>::failure(problems.status().message);
    return settings;
  }

 private:
  template <class V>
  KeyBinding<S, V>& add(ConfigKey key) {
    auto binding = std::make_unique<KeyBinding<S, V>>(std::move(key));
    auto& added = *binding;
    steps_.push_back(std::move(binding));
    return added;
  }

  std::string summary_;
  std::vector<std::unique_ptr<detail::BoundStep<S>>> steps_;
};

}  // namespace notifyd::sdk
