// notifyd: the notification daemon.
#include <stdlib.h>

#include <csignal>
#include <iostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <string>
#include <string_view>

#include "daemon.hpp"
#include "notifyd/sdk/counted.hpp"
#include "plugin_docs.hpp"
#include "prepared_config.hpp"
#include "resolved_config.hpp"
#include "version.hpp"

namespace {

constexpr std::string_view usage =
    "usage: notifyd [-c FILE] [--check-config [--json]] [--describe-plugins] [--version]\n"
    "\n"
    "  -c, --config FILE     config file (default /etc/notifyd/notifyd.toml)\n"
    "  --check-config        validate the config and its plugins, print every mistake, exit 0 or 1\n"
    "  --json                with --check-config: one JSON line with the mistakes and the resolved\n"
    "                        values (data_dir, every plugin's paths and where its secrets come from)\n"
    "  --describe-plugins    print the config keys of the host and of every plugin in plugin_dir\n"
    "  --version             print the version and the toolchain id plugins must match\n";

int describe_plugins(const std::filesystem::path& config_path, notifyd::core::LogSink& sink) {
  using namespace notifyd::core;
  std::filesystem::path plugin_dir = "/usr/lib/notifyd";
  ConfigErrors errors;
  if (std::filesystem::exists(config_path)) {
    if (auto file = read_config_file(config_path, errors)) plugin_dir = file->daemon.plugin_dir;
  }
  print_schema(std::cout, "[daemon]", daemon_schema());
  print_schema(std::cout, "[pipeline]", pipeline_schema());
  print_schema(std::cout, "[checks]", checks_schema());
  PluginLoader loader(plugin_dir);
  int status = 0;
  for (const auto& file : loader.available()) {
    auto library = PluginLoader::load_file(file, "");
    if (!library) {
      sink.write(notifyd::sdk::LogLevel::error, "notifyd", library.error());
      status = 1;
      continue;
    }
    const auto* descriptor = library.value()->descriptor;
    print_schema(std::cout,
                 "[[plugin]]\nuse = \"" + std::string(descriptor->name) + "\"   # " +
                     std::string(notifyd::sdk::kind_name(descriptor->kind)) + ", " + file.string(),
                 library.value()->schema);
  }
  return status;
}

// `--check-config` past the schemas: every plugin and check is created and
// configured against a throwaway data directory (so nothing real is
// touched), and what their configure() refuses joins `errors`.
bool check_plugins(notifyd::core::PreparedConfig config, notifyd::core::LogSink& sink,
                   notifyd::core::ConfigErrors& errors) {
  using namespace notifyd::core;
  char scratch_template[] = "/tmp/notifyd-check-XXXXXX";
  const char* scratch = ::mkdtemp(scratch_template);
  if (!scratch) {
    std::cerr << "notifyd: cannot create a scratch directory to check plugins in\n";
    return false;
  }
  config.file.daemon.data_dir = scratch;
  // A table with mistakes of its own was reported already; configuring it
  // with defaults in their place would only report them again.
  std::erase_if(config.plugins, [](const PreparedPlugin& plugin) { return !plugin.schema_ok; });
  std::erase_if(config.checks, [](const PreparedCheck& check) { return !check.schema_ok; });
  sink.set_quiet(true);
  {
    MetricsRegistry metrics;
    Daemon daemon(std::move(config), sink, metrics);
    auto refused = daemon.check_plugins();
    errors.insert(errors.end(), refused.begin(), refused.end());
  }
  sink.set_quiet(false);
  std::error_code ignored;
  std::filesystem::remove_all(scratch, ignored);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace notifyd::core;
  std::filesystem::path config_path = "/etc/notifyd/notifyd.toml";
  bool check_only = false;
  bool describe = false;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg == "-c" || arg == "--config") && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg == "--check-config") {
      check_only = true;
    } else if (arg == "--json") {
      json = true;
    } else if (arg == "--describe-plugins") {
      describe = true;
    } else if (arg == "--version") {
      std::cout << "notifyd " << version << "\ntoolchain: " << host_toolchain_id() << "\nplugin ABI: "
                << notifyd::sdk::abi_version << "\n";
      return 0;
    } else if (arg == "-h" || arg == "--help") {
      std::cout << usage;
      return 0;
    } else {
      std::cerr << "notifyd: unknown argument " << arg << "\n" << usage;
      return 64;
    }
  }

  if (json && !check_only) {
    std::cerr << "notifyd: --json goes with --check-config\n" << usage;
    return 64;
  }
  LogSink sink;
  if (describe) return describe_plugins(config_path, sink);

  ConfigErrors errors;
  if (check_only) sink.set_quiet(true);
  auto prepared = prepare_config(config_path, sink, errors);
  if (check_only && prepared) {
    const std::size_t plugins = prepared->plugins.size() + prepared->checks.size();
    if (!check_plugins(*prepared, sink, errors)) return 1;
    sort_by_position(errors);
    if (json) {
      std::cout << resolved_config_json(config_path, &*prepared, errors);
      return errors.empty() ? 0 : 1;
    }
    if (errors.empty()) {
      std::cout << prepared->file.path.string() << ": ok (" << plugins << " plugins and checks)\n";
      return 0;
    }
  }
  if (json) {
    std::cout << resolved_config_json(config_path, nullptr, errors);
    return 1;
  }
  for (const auto& error : errors) std::cerr << error.to_string() << "\n";
  if (!prepared || !errors.empty()) {
    std::cerr << "notifyd: " << std::filesystem::absolute(config_path).lexically_normal().string() << " has "
              << notifyd::sdk::counted(std::max<std::size_t>(errors.size(), 1), "mistake", "mistakes") << "\n";
    return 1;
  }
  // Keeps the signals registered between one Daemon and the next during a
  // reload, so a signal in that moment is not fatal; this set is never read.
  boost::asio::io_context unused;
  boost::asio::signal_set registered(unused, SIGINT, SIGTERM, SIGHUP);

  PreparedConfig config = std::move(*prepared);
  // Outlives every Daemon: a reload that rebuilds the daemon keeps the counters.
  MetricsRegistry metrics;
  for (;;) {
    sink.set_level(config.file.daemon.log_level);
    if (auto status = sink.open_file(config.file.daemon.log_file); !status) {
      std::cerr << "notifyd: " << status.message << "\n";
      return 1;
    }
    Daemon daemon(std::move(config), sink, metrics);
    const int code = daemon.run();
    if (code != Daemon::reload_requested) return code;
    config = daemon.take_reloaded_config();
  }
}
