#pragma once

#include <filesystem>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "config_error.hpp"
#include "notifyd/sdk/config.hpp"

namespace notifyd::core {

/// Checks one TOML table against a plugin's (or the daemon's) schema and
/// builds the typed view. Every mistake is appended to `errors` with its
/// position; the returned view holds what could be read.
class ConfigTableValidator {
 public:
  /// `what` names the table in messages (`plugin "api" (socket)`);
  /// `base_dir` resolves relative paths; `on_secret` sees every resolved secret.
  ConfigTableValidator(std::string file, std::filesystem::path base_dir, std::string what,
                       std::function<void(std::string_view)> on_secret = {});

  /// Keys the caller handles itself (`use`, `name`) and that are not unknown.
  void reserve(std::initializer_list<std::string_view> keys);

  sdk::PluginConfig validate(const toml::table& table, const sdk::ConfigSchema& schema, ConfigErrors& errors) const;

 private:
  void error(ConfigErrors& errors, const toml::source_region& where, std::string message) const;
  sdk::ConfigValue read_value(const sdk::ConfigKey& key, const toml::node& node, ConfigErrors& errors) const;
  sdk::ConfigValue read_secret(const sdk::ConfigKey& key, const toml::table& table, ConfigErrors& errors) const;

  std::string file_;
  std::filesystem::path base_dir_;
  std::string what_;
  std::function<void(std::string_view)> on_secret_;
  std::vector<std::string> reserved_;
};

}  // namespace notifyd::core
