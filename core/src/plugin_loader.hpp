#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <boost/dll/shared_library.hpp>

#include "notifyd/sdk/host.hpp"
#include "notifyd/sdk/plugin_descriptor.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::core {

/// A plugin library whose descriptor was checked: ABI version, descriptor
/// size, toolchain id, name and kind all match the host.
struct LoadedLibrary {
  std::filesystem::path path;
  boost::dll::shared_library library;
  const sdk::PluginDescriptor* descriptor = nullptr;
  sdk::ConfigSchema schema;
};

/// Destroys a plugin inside the library that made it, then lets the library
/// go: the library outlives every object it created.
struct PluginDeleter {
  std::shared_ptr<const LoadedLibrary> library;
  void operator()(sdk::Plugin* plugin) const noexcept {
    if (plugin) library->descriptor->destroy(plugin);
  }
};
using PluginPtr = std::unique_ptr<sdk::Plugin, PluginDeleter>;

/// Loads plugin libraries from one directory, verifying each before anything
/// in it is called. A library is loaded once however many instances use it.
class PluginLoader {
 public:
  explicit PluginLoader(std::filesystem::path plugin_dir) : plugin_dir_(std::move(plugin_dir)) {}

  /// The library for `use = "<name>"`: `<plugin_dir>/notifyd_<name>.so`.
  sdk::Result<std::shared_ptr<const LoadedLibrary>> load(std::string_view name);
  /// Loads and verifies one file; `expected_name` empty accepts any name.
  static sdk::Result<std::shared_ptr<const LoadedLibrary>> load_file(const std::filesystem::path& path,
                                                                     std::string_view expected_name);
  /// Every `notifyd_*.so` in the plugin directory, for `--describe-plugins`.
  std::vector<std::filesystem::path> available() const;

 private:
  std::filesystem::path plugin_dir_;
  std::map<std::string, std::shared_ptr<const LoadedLibrary>, std::less<>> loaded_;
};

/// Creates one instance through the library's `create`; errors name the file.
sdk::Result<PluginPtr> create_plugin(const std::shared_ptr<const LoadedLibrary>& library, sdk::Host& host);

/// The toolchain id of the host itself.
const char* host_toolchain_id() noexcept;

}  // namespace notifyd::core
