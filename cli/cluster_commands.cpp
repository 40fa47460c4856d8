#include "cluster_commands.hpp"

#include <chrono>
#include <filesystem>

#include "cluster_migration.hpp"
#include "cluster_text.hpp"
#include "doctor_probe.hpp"
#include "resolved_config.hpp"

namespace notifyctl {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Direction = MigrationDirection;

constexpr std::chrono::milliseconds check_config_timeout = 30s;
// A copy sends large statements (many rows, images) and waits on locks a replica may hold.
constexpr std::chrono::milliseconds statement_timeout = 10min;
constexpr std::chrono::milliseconds network_timeout = 15s;

// The store's own log lines (warnings while the exported store is created) as notifyctl's.
class ConsoleLog final : public notifyd::sdk::Logger {
 public:
  explicit ConsoleLog(std::ostream& err) : err_(err) {}
  void write(notifyd::sdk::LogLevel, std::string_view message) noexcept override {
    err_ << "notifyctl: " << message << '\n';
  }
  bool enabled(notifyd::sdk::LogLevel level) const noexcept override {
    return level >= notifyd::sdk::LogLevel::warn;
  }

 private:
  std::ostream& err_;
};

ExitCode fail(Console& console, ExitCode code, const std::string& message) {
  console.err << "notifyctl: " << message << '\n';
  return code;
}

}  // namespace

ExitCode run_cluster(const ClusterArguments& arguments, const GlobalOptions& options, Console& console) {
  const bool importing = arguments.action == ClusterArguments::Action::import_data;
  const std::string config_path = arguments.config_path.value_or(std::string(default_config_path));
  std::error_code ec;
  // The config is read when a value is not given as an option, and for the file permissions of an export.
  const bool config_needed = !arguments.dsn_file || (importing && !arguments.data_dir);
  std::optional<ResolvedConfig> config;
  if (config_needed || arguments.config_path || (!importing && fs::exists(config_path, ec))) {
    const ConfigCheckFacts check = probe_config_check(find_notifyd_binary(), config_path, check_config_timeout);
    config = decode_resolved_config(check.output);
    if (!config || !config->data_dir) {
      std::string why = check.start_error.empty() ? check.error_output : check.start_error;
      if (config) {
        for (const auto& mistake : config->mistakes) why += mistake + "\n";
      }
      while (!why.empty() && why.back() == '\n') why.pop_back();
      return fail(console, ExitCode::usage,
                  "cannot read the config " + config_path + (why.empty() ? std::string() : ":\n" + why));
    }
    // The values this command needs are there; what notifyd would refuse to start with is worth knowing.
    for (const auto& mistake : config->mistakes) console.err << "notifyctl: warning: " << mistake << '\n';
  }

  const std::string data_dir =
      fs::absolute(arguments.data_dir.value_or(config ? config->data_dir.value_or("") : "")).lexically_normal().string();
  std::string why;
  std::optional<std::string> dsn;
  if (arguments.dsn_file) {
    dsn = read_secret({"", "", *arguments.dsn_file, "dsn"}, "", why);
  } else if (config && config->cluster_dsn) {
    dsn = read_secret(*config->cluster_dsn, config_directory_file(config_path, "notifyd.env"), why);
  } else {
    why = "no PostgreSQL connection string: give --dsn-file FILE, or set [cluster] dsn_env or dsn_file in " +
          config_path;
  }
  if (!dsn) return fail(console, ExitCode::usage, why);

  notifyd::core::PgSession database(*dsn, statement_timeout, network_timeout, "notifyctl");
  if (auto opened = database.open(); !opened) return fail(console, ExitCode::unreachable, opened.message);

  if (importing) {
    auto imported = notifyd::core::import_data_dir(data_dir, database, arguments.replace);
    if (!imported) return fail(console, ExitCode::refused, "cluster import: " + imported.error());
    console.out << (options.json_output ? migration_json(Direction::imported, data_dir, imported.value())
                                        : migration_text(Direction::imported, data_dir, imported.value()));
    return ExitCode::success;
  }
  notifyd::core::FilePermissions files;
  if (config && config->file_mode) files.mode = static_cast<mode_t>(*config->file_mode);
  if (config && config->file_gid) files.group = static_cast<gid_t>(*config->file_gid);
  ConsoleLog log(console.err);
  auto exported = notifyd::core::export_data_dir(database, data_dir, files, log);
  if (!exported) return fail(console, ExitCode::refused, "cluster export: " + exported.error());
  console.out << (options.json_output ? migration_json(Direction::exported, data_dir, exported.value())
                                      : migration_text(Direction::exported, data_dir, exported.value()));
  return ExitCode::success;
}

}  // namespace notifyctl
