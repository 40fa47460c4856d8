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

namespace notifyctl {

inline constexpr std::string_view default_config_path = "/etc/notifyd/notifyd.toml";

/// A telegram [[plugin]] table: its instance name and where its token comes from.
struct TelegramInstanceConfig {
  std::string name;
  std::string token_env;
  std::string token_file;  ///< resolved against the config's directory
};

/// The few things doctor needs from notifyd.toml.
struct DoctorConfig {
  std::string data_dir;                    ///< resolved against the config's directory
  std::optional<std::string> socket_path;  ///< the first socket plugin's path
  std::vector<TelegramInstanceConfig> telegram;
  std::string parse_error;  ///< the text is not TOML (notifyd --check-config says more)
};

/// Reads `text`, the content of the config file at `config_path`. Defaults
/// follow the daemon's: data_dir /var/lib/notifyd, a plugin's name is its `use`.
DoctorConfig read_doctor_config(const std::string& config_path, std::string_view text);

/// Whether the file exists and can be read; its text in `text` when it can.
ConfigFileFacts probe_config_file(const std::string& path, std::string& text);

/// The notifyd binary beside this notifyctl, else the first on PATH; empty if none.
std::string find_notifyd_binary();

/// Runs `notifyd -c CONFIG --check-config`, output captured, stopped after `timeout`.
ConfigCheckFacts probe_config_check(const std::string& notifyd_path, const std::string& config_path,
                                    std::chrono::milliseconds timeout);

SocketFacts probe_socket(const std::string& path);

DataDirFacts probe_data_dir(const std::string& path);

/// The value of `name` in a systemd EnvironmentFile's text (last assignment
/// wins; comments, blank lines, quotes and `export ` handled); nothing if unset.
std::optional<std::string> environment_file_value(std::string_view text, std::string_view name);

/// Looks for the instance's token in `env_file` (the unit's EnvironmentFile) or its token_file.
TokenFacts probe_telegram_token(const TelegramInstanceConfig& instance, const std::string& env_file);

}  // namespace notifyctl
