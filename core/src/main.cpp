// notifyd: the notification daemon.
#include <stdlib.h>

#include <algorithm>
#include <csignal>
#include <iostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <string>
#include <string_view>

#include "command_line.hpp"
#include "daemon.hpp"
#include "notifyd/sdk/counted.hpp"
#include "pg_schema.hpp"
#include "plugin_docs.hpp"
#include "prepared_config.hpp"
#include "resolved_config.hpp"
#include "process_metrics.hpp"
#include "version.hpp"

namespace {

// Where --describe-plugins finds the plugins: the config's plugin_dir when a
// config file exists, else the plugins installed with this binary
// (<bin>/../lib/notifyd, as its RUNPATH finds libnotifyd-core), else the default.
std::filesystem::path described_plugin_dir(const std::filesystem::path& config_path, bool config_given) {
  using namespace notifyd::core;
  std::error_code ec;
  if (std::filesystem::exists(config_path, ec)) {
    ConfigErrors errors;
    if (auto file = read_config_file(config_path, errors)) return file->daemon.plugin_dir;
  }
  if (!config_given) {
    const auto beside = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path() / "../lib/notifyd";
    if (!ec && std::filesystem::is_directory(beside, ec)) return beside.lexically_normal();
  }
  return "/usr/lib/notifyd";
}

int describe_plugins(const std::filesystem::path& config_path, bool config_given, bool as_manpage,
                     notifyd::core::LogSink& sink) {
  using namespace notifyd::core;
  const auto plugin_dir = described_plugin_dir(config_path, config_given);
  std::vector<std::string> problems;
  const auto tables = collect_table_docs(plugin_dir, problems);
  for (const auto& problem : problems) sink.write(notifyd::sdk::LogLevel::error, "notifyd", problem);
  const bool no_libraries =
      std::none_of(tables.begin(), tables.end(), [](const TableDoc& table) { return !table.use.empty(); });
  if (no_libraries) {
    std::cerr << "notifyd: no plugins in " << plugin_dir.string()
              << "; only the host's tables are described (give -c FILE whose [daemon] plugin_dir holds them)\n";
  }
  if (as_manpage) {
    print_table_docs_manpage(std::cout, tables, version);
  } else {
    print_table_docs(std::cout, tables);
  }
  return problems.empty() && !no_libraries ? 0 : 1;
}

// `--check-config` with `[cluster] backend = "postgres"`: the database
// answers, and its schema is one this notifyd can use (older ones it
// migrates at start). Nothing is written.
void check_cluster(const notifyd::core::ConfigFile& file, notifyd::core::ConfigErrors& errors) {
  using namespace notifyd::core;
  if (file.cluster.backend != ClusterBackend::postgres) return;
  const auto* table = file.document->get_as<toml::table>("cluster");
  const auto* backend = table ? table->get("backend") : nullptr;
  const auto at = backend ? backend->source().begin : toml::source_position{};
  const auto mistake = [&](std::string message) {
    errors.push_back({file.path.string(), static_cast<int>(at.line), static_cast<int>(at.column),
                      "[cluster]: " + std::move(message)});
  };
  PgSession session(file.cluster.dsn);
  const auto found = read_pg_schema_version(session);
  if (!found) return mistake(found.error());
  if (found.value() > pg_schema_version()) {
    mistake("the database's notifyd schema is version " + std::to_string(found.value()) + ", newer than this notifyd's " +
            std::to_string(pg_schema_version()) + ": upgrade notifyd");
  }
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
  config.file.cluster = {};
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
  bool config_given = false;
  bool check_only = false;
  bool describe = false;
  bool json = false;
  bool manpage = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg == "-c" || arg == "--config") && i + 1 < argc) {
      config_path = argv[++i];
      config_given = true;
    } else if (arg == "--check-config") {
      check_only = true;
    } else if (arg == "--json") {
      json = true;
    } else if (arg == "--describe-plugins") {
      describe = true;
    } else if (arg == "--manpage") {
      manpage = true;
    } else if (arg == "--version") {
      std::cout << "notifyd " << version << "\ntoolchain: " << host_toolchain_id() << "\nplugin ABI: "
                << notifyd::sdk::abi_version << "\n";
      return 0;
    } else if (arg == "-h" || arg == "--help") {
      std::cout << usage_text();
      return 0;
    } else {
      std::cerr << "notifyd: unknown argument " << arg << "\n" << usage_text();
      return 64;
    }
  }

  if (json && !check_only) {
    std::cerr << "notifyd: --json goes with --check-config\n" << usage_text();
    return 64;
  }
  LogSink sink;
  if (describe) return describe_plugins(config_path, config_given, manpage, sink);
  if (manpage) {
    std::cout << notifyd::core::manpage(version);
    return 0;
  }

  ConfigErrors errors;
  if (check_only) sink.set_quiet(true);
  auto prepared = prepare_config(config_path, sink, errors);
  if (check_only && prepared) {
    const std::size_t plugins = prepared->plugins.size() + prepared->checks.size();
    check_cluster(prepared->file, errors);
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
  const auto process = metrics.add_collector([] { return process_metrics(version, NOTIFYD_COMMIT); });
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
