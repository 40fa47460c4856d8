#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "config_error.hpp"
#include "file_permissions.hpp"
#include "notifyd/sdk/config.hpp"
#include "notifyd/sdk/logger.hpp"

namespace notifyd::core {

/// The `[daemon]` table.
struct DaemonSettings {
  std::filesystem::path data_dir;
  std::filesystem::path plugin_dir;
  std::string admin_group;
  sdk::LogLevel log_level = sdk::LogLevel::info;
  std::string log_file;  ///< empty = stderr (journald)
  unsigned threads = 2;
  std::chrono::milliseconds shutdown_timeout{10000};
  FilePermissions files;  ///< `file_mode` and `file_group` of the files written in data_dir
  bool operator==(const DaemonSettings&) const = default;
};

/// Who may receive a notification (`[pipeline] recipients`).
enum class Recipients {
  system,  ///< users of this machine's user database (passwd, through NSS)
  any,     ///< any well-formed user name
};

/// The `[pipeline]` table: recipients, outbox retries and history retention.
struct PipelineSettings {
  Recipients recipients = Recipients::system;
  std::chrono::milliseconds retry_initial{1000};
  std::chrono::milliseconds retry_max{300000};
  std::chrono::milliseconds delivery_ttl{24 * 3600 * 1000};
  std::uint32_t max_in_flight = 32;
  std::uint32_t outbox_memory_items = 10000;
  std::uint64_t history_max_count = 100000;
  std::chrono::milliseconds history_max_age{30LL * 24 * 3600 * 1000};
  bool operator==(const PipelineSettings&) const = default;
};

/// Where the store and the coordination of replicas live (`[cluster] backend`).
enum class ClusterBackend {
  local,     ///< this machine alone: SQLite and files in data_dir
  postgres,  ///< replicas sharing one PostgreSQL database
};

/// The `[cluster]` table.
struct ClusterSettings {
  ClusterBackend backend = ClusterBackend::local;
  std::string dsn;  ///< postgres: the libpq connection string (a secret: `dsn_env` or `dsn_file`)
  std::string host_group;  ///< replicas that see the same homes and users; empty = this host's name
  std::chrono::milliseconds lease_ttl{10000};  ///< time to live of leases, renewed every third of it
  std::string address;  ///< how operators reach this replica, shown in health; may be empty
  bool operator==(const ClusterSettings&) const = default;
};

/// The `[checks]` table: how checks run and what happens to their results.
struct CheckSettings {
  std::uint32_t max_concurrent = 8;
  std::uint32_t failure_alert_after = 3;  ///< 0 = no failure alerts
  std::uint64_t image_max_bytes = 10u << 20;
  std::uint32_t runs_per_check = 1000;    ///< newest runs kept in each check's history
  bool operator==(const CheckSettings&) const = default;
};

/// One `[[plugin]]` table before its plugin's schema is known.
struct PluginSpec {
  std::string use;       ///< library name: `<plugin_dir>/notifyd_<use>.so`
  std::string name;      ///< instance name; defaults to `use`
  bool optional = false; ///< a plugin that fails to load is skipped with a warning
  toml::source_region where;
  const toml::table* table = nullptr;  ///< inside `ConfigFile::document`
};

/// One `[[check]]` table: a native check library, its schedule and recipients.
/// Keys other than these are the check's own config.
struct CheckSpec {
  std::string name;
  std::string use;                      ///< check library: `<plugin_dir>/notifyd_<use>.so`
  std::string schedule;                 ///< cron expression; empty = the scheduler's default
  std::vector<std::string> notify;      ///< recipients; the check runs once for each
  std::chrono::milliseconds timeout{60000};
  std::optional<std::chrono::seconds> cooldown;  ///< overrides the cooldown the check reports
  toml::source_region where;
  const toml::table* table = nullptr;
};

/// Keys of a `[[check]]` table that the host reads itself.
inline constexpr std::string_view check_table_keys[] = {"name", "use", "schedule", "notify", "timeout", "cooldown"};

/// The whole `notifyd.toml` after the host's own tables are validated.
struct ConfigFile {
  std::filesystem::path path;
  std::filesystem::path base_dir;  ///< relative paths are resolved against it
  DaemonSettings daemon;
  PipelineSettings pipeline;
  CheckSettings checks;
  ClusterSettings cluster;
  std::vector<PluginSpec> plugins;
  std::vector<CheckSpec> checks_tables;
  std::shared_ptr<const toml::table> document;  ///< the parsed file; keeps positions for later messages
};

/// The schemas of the host's own tables (also printed by `--describe-plugins`).
sdk::ConfigSchema daemon_schema();
sdk::ConfigSchema pipeline_schema();
sdk::ConfigSchema checks_schema();
sdk::ConfigSchema cluster_schema();

/// Reads and validates the host's part of `path`; appends every mistake to
/// `errors`. Returns nullopt only when the file cannot be read or parsed.
std::optional<ConfigFile> read_config_file(const std::filesystem::path& path, ConfigErrors& errors);

}  // namespace notifyd::core
