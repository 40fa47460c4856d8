#include "plugin_loader.hpp"

#include <dlfcn.h>

#include <cstddef>
#include <cstring>

namespace notifyd::core {
namespace {

using LibraryResult = sdk::Result<std::shared_ptr<const LoadedLibrary>>;

// The descriptor fields this host reads; a plugin's descriptor must be at least this long.
constexpr std::size_t required_descriptor_size = offsetof(sdk::PluginDescriptor, destroy) + sizeof(void*);

bool valid_kind(sdk::Kind kind) {
  const auto value = static_cast<std::uint32_t>(kind);
  return value >= static_cast<std::uint32_t>(sdk::Kind::channel) && value <= static_cast<std::uint32_t>(sdk::Kind::check);
}

}  // namespace

const char* host_toolchain_id() noexcept { return NOTIFYD_TOOLCHAIN_ID; }

LibraryResult PluginLoader::load(std::string_view name) {
  if (auto it = loaded_.find(name); it != loaded_.end()) return it->second;
  auto result = load_file(plugin_dir_ / ("notifyd_" + std::string(name) + ".so"), name);
  if (result) loaded_.emplace(std::string(name), result.value());
  return result;
}

LibraryResult PluginLoader::load_file(const std::filesystem::path& path, std::string_view expected_name) {
  const std::string file = path.string();
  std::error_code exists_error;
  if (!std::filesystem::is_regular_file(path, exists_error)) {
    return LibraryResult::failure(file + ": no such plugin library");
  }
  auto loaded = std::make_shared<LoadedLibrary>();
  loaded->path = path;
  std::error_code ec;
  loaded->library.load(path, ec, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  if (ec) {
    const char* reason = dlerror();
    return LibraryResult::failure(file + ": cannot be loaded: " + (reason ? reason : ec.message()));
  }
  if (!loaded->library.has(sdk::descriptor_symbol)) {
    return LibraryResult::failure(file + ": does not export the `" + std::string(sdk::descriptor_symbol) +
                                  "` descriptor; build it with notifyd_add_plugin() and end its main file with NOTIFYD_PLUGIN(...)");
  }
  const auto& descriptor = loaded->library.get<const sdk::PluginDescriptor>(sdk::descriptor_symbol);
  if (descriptor.abi_version != sdk::abi_version) {
    return LibraryResult::failure(file + ": plugin ABI version " + std::to_string(descriptor.abi_version) +
                                  ", host ABI version " + std::to_string(sdk::abi_version) +
                                  "; rebuild the plugin against this notifyd SDK");
  }
  if (descriptor.descriptor_size < required_descriptor_size) {
    return LibraryResult::failure(file + ": descriptor is " + std::to_string(descriptor.descriptor_size) +
                                  " bytes, host needs at least " + std::to_string(required_descriptor_size));
  }
  if (!descriptor.toolchain_id || std::strcmp(descriptor.toolchain_id, host_toolchain_id()) != 0) {
    return LibraryResult::failure(file + ": built with toolchain \"" +
                                  (descriptor.toolchain_id ? descriptor.toolchain_id : "(none)") +
                                  "\", host built with \"" + host_toolchain_id() +
                                  "\"; rebuild the plugin with the host's compiler and Boost");
  }
  if (!descriptor.name || !descriptor.create || !descriptor.destroy || !descriptor.describe) {
    return LibraryResult::failure(file + ": descriptor lacks a name or its create/destroy/describe functions");
  }
  if (!expected_name.empty() && expected_name != descriptor.name) {
    return LibraryResult::failure(file + ": declares plugin name \"" + descriptor.name + "\", expected \"" +
                                  std::string(expected_name) + "\"");
  }
  if (!valid_kind(descriptor.kind)) {
    return LibraryResult::failure(file + ": unknown plugin kind " +
                                  std::to_string(static_cast<std::uint32_t>(descriptor.kind)));
  }
  std::string error;
  if (!descriptor.describe(loaded->schema, error)) {
    return LibraryResult::failure(file + ": describing its config failed: " + error);
  }
  loaded->descriptor = &descriptor;
  return std::shared_ptr<const LoadedLibrary>(std::move(loaded));
}

std::vector<std::filesystem::path> PluginLoader::available() const {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(plugin_dir_, ec)) {
    const auto name = entry.path().filename().string();
    if (name.starts_with("notifyd_") && name.ends_with(".so")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

sdk::Result<PluginPtr> create_plugin(const std::shared_ptr<const LoadedLibrary>& library, sdk::Host& host) {
  std::string error;
  sdk::Plugin* raw = library->descriptor->create(host, error);
  if (!raw) {
    return sdk::Result<PluginPtr>::failure(library->path.string() + ": create failed: " +
                                           (error.empty() ? "no reason given" : error));
  }
  PluginPtr plugin(raw, PluginDeleter{library});
  const bool kind_matches = [&] {
    switch (library->descriptor->kind) {
      case sdk::Kind::channel: return plugin->as_channel() != nullptr;
      case sdk::Kind::frontend: return plugin->as_frontend() != nullptr;
      case sdk::Kind::trigger: return plugin->as_trigger() != nullptr;
      case sdk::Kind::check: return plugin->as_check() != nullptr;
    }
    return false;
  }();
  if (!kind_matches) {
    return sdk::Result<PluginPtr>::failure(library->path.string() + ": created object does not implement the " +
                                           std::string(sdk::kind_name(library->descriptor->kind)) + " interface");
  }
  return plugin;
}

}  // namespace notifyd::core
