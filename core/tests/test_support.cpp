#include "test_support.hpp"

#include <fstream>
#include <random>
#include <stdexcept>

namespace notifyd::test {

TempDir::TempDir() {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() / ("notifyd-test-" + std::to_string(random()) + std::to_string(random()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& content) const {
  const auto file = path_ / name;
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << content;
  return file;
}

core::PipelineSettings made_up_recipients() {
  core::PipelineSettings settings;
  settings.recipients = core::Recipients::any;
  return settings;
}

TestServices::TestServices(core::PipelineSettings s, std::filesystem::path data_dir)
    : data(data_dir.empty() ? dir.path() : data_dir), settings(s) {
  sink.set_level(sdk::LogLevel::warn);
  store = std::make_unique<core::SqliteNotificationStore>(data, log);
  if (auto status = store->open(); !status) throw std::runtime_error(status.message);
  pipeline = std::make_unique<core::Pipeline>(io, *store, settings, users, log, metrics);
  checks =
      std::make_unique<core::CheckRunner>(io.get_executor(), *store, *pipeline, coordination, check_settings, log, metrics);
  services = std::make_unique<core::HostServices>(
      core::HostServices{io, sink, documents, coordination, *pipeline, *checks, routes, metrics, users, {data, "", "test"}});
}

bool TestServices::run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  io.restart();
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.run_for(std::chrono::milliseconds(5));
    io.restart();
  }
  return true;
}

std::unique_ptr<core::PluginHost> TestServices::host(const std::string& name, sdk::Kind kind, sdk::PluginConfig config) {
  return std::make_unique<core::PluginHost>(name, kind, std::move(config), *services);
}

}  // namespace notifyd::test
