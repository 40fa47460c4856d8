#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "config_file.hpp"
#include "log_sink.hpp"
#include "plugin_loader.hpp"

namespace notifyd::core {

/// One `[[plugin]]` whose library loaded and whose table passed its schema.
struct PreparedPlugin {
  std::string name;
  std::string use;
  bool optional = false;
  std::shared_ptr<const LoadedLibrary> library;
  sdk::PluginConfig config;
  bool schema_ok = true;  ///< its table had no mistakes of its own (else `config` holds defaults for them)
};

/// One `[[check]]` whose library loaded and whose own keys passed its schema.
struct PreparedCheck {
  CheckSpec spec;
  std::shared_ptr<const LoadedLibrary> library;
  sdk::PluginConfig config;
  bool schema_ok = true;  ///< its table had no mistakes of its own
};

/// The config file with every plugin library loaded and every table validated.
struct PreparedConfig {
  ConfigFile file;
  std::vector<PreparedPlugin> plugins;
  std::vector<PreparedCheck> checks;
};

/// Reads `path`, loads the plugins it names and validates their tables.
/// Every mistake lands in `errors` (all of them, not the first). Resolved
/// secrets are registered with `log_sink` for redaction. An optional plugin
/// that cannot be loaded is left out with a warning.
std::optional<PreparedConfig> prepare_config(const std::filesystem::path& path, LogSink& log_sink, ConfigErrors& errors);

}  // namespace notifyd::core
