#pragma once
// `notifyctl doctor`: gathers facts from the system for doctor_report.hpp to
// judge. Each probe looks, never changes anything, and reports what it could
// not see instead of failing.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doctor_report.hpp"
#include "resolved_config.hpp"

namespace notifyctl {

inline constexpr std::string_view default_config_path = "/etc/notifyd/notifyd.toml";

/// Whether the file exists and can be read; its text in `text` when it can.
ConfigFileFacts probe_config_file(const std::string& path, std::string& text);

/// The notifyd binary beside this notifyctl, else the first on PATH; empty if none.
std::string find_notifyd_binary();

/// Runs `notifyd -c CONFIG --check-config --json`, stopped after `timeout`;
/// its stdout in `output` (decode_resolved_config reads it), its stderr in `error_output`.
ConfigCheckFacts probe_config_check(const std::string& notifyd_path, const std::string& config_path,
                                    std::chrono::milliseconds timeout);

SocketFacts probe_socket(const std::string& path);

/// The config file the daemon listening on `socket_path` was started with
/// (`-c FILE` on its command line, else the default), found through the
/// socket's peer credentials; nothing when no daemon listens or it cannot be seen.
std::optional<std::string> daemon_config_path(const std::string& socket_path);

DataDirFacts probe_data_dir(const std::string& path);

/// The value of `name` in a systemd EnvironmentFile's text (last assignment
/// wins; comments, blank lines, quotes and `export ` handled); nothing if unset.
std::optional<std::string> environment_file_value(std::string_view text, std::string_view name);

/// The file `name` in the directory of `config_path` (notifyd.env, the unit's EnvironmentFile, beside the config).
std::string config_directory_file(const std::string& config_path, const char* name);

/// Looks for the secret in `env_file` (the unit's EnvironmentFile) or in its file.
TokenFacts probe_secret(const SecretSource& source, const std::string& env_file);

/// The secret itself, for a command that must use it (PostgreSQL's connection
/// string): its file's text (trimmed); else the variable from this process's
/// environment; else its assignment in `env_file`. The error says where it
/// looked, never a value.
std::optional<std::string> read_secret(const SecretSource& source, const std::string& env_file, std::string& error);

/// Connects to PostgreSQL with `dsn` and reads the notifyd schema version there.
PostgresFacts probe_postgres(const std::string& dsn);

}  // namespace notifyctl
