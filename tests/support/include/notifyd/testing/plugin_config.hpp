#pragma once

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "notifyd/sdk/config.hpp"

namespace notifyd::testing {

/// A plugin's config from the keys `describe` declares: every default, with `overrides`
/// set explicitly; throws on an override the schema does not declare.
inline sdk::PluginConfig plugin_config(void (*describe)(sdk::ConfigSchema&),
                                       const std::map<std::string, sdk::ConfigValue>& overrides = {}) {
  sdk::ConfigSchema schema;
  describe(schema);
  std::map<std::string, sdk::ConfigValue, std::less<>> values;
  for (const auto& key : schema.keys()) values[key.name] = key.default_value;
  std::vector<std::string> set;
  for (const auto& [name, value] : overrides) {
    if (!schema.find(name)) throw std::logic_error("undeclared key in test: " + name);
    values[name] = value;
    set.push_back(name);
  }
  return sdk::PluginConfig(std::move(values), std::move(set));
}

}  // namespace notifyd::testing
