#pragma once
// The exec plugin's configuration: the keys it declares and their validated form.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "notifyd/sdk/config.hpp"
#include "notifyd/sdk/status.hpp"
#include "script_pattern.hpp"

namespace notifyd::exec {

/// The validated settings of one exec plugin instance; read-only after `configure()`.
struct ExecSettings {
  std::string users_group;              ///< members (and users whose primary group it is) run scripts
  std::vector<std::string> users;       ///< further users, by name
  ScriptPattern pattern;                ///< where each user's scripts are
  std::string schedule;                 ///< default schedule of scripts without a header; empty = the scheduler's
  std::string interpreter;              ///< absolute path, used when ~/.venv/bin/python is absent
  std::chrono::milliseconds timeout{60'000};
  std::chrono::milliseconds kill_grace{5'000};
  std::chrono::milliseconds rescan_interval{30'000};
  std::size_t max_output = 1 << 20;     ///< stdout bytes kept
  std::size_t max_stderr = 64 << 10;    ///< stderr bytes kept (the tail)
  std::size_t max_children = 16;        ///< scripts running at once in this instance
  std::string path_env;                 ///< PATH given to scripts
  std::string lang;                     ///< LANG given to scripts
  bool warm_start = true;               ///< runs fork from a warm interpreter per user
  std::chrono::milliseconds warm_idle{30'000};  ///< an unused warm interpreter is stopped after this
  bool cgroups = true;                  ///< each run in a cgroup of its own where possible
};

/// Declares the plugin's keys (called from `ExecTrigger::describe`).
void describe_exec_settings(sdk::ConfigSchema& schema);

/// Checks `config` beyond its schema: a usable pattern, an absolute
/// interpreter, positive limits, at least one source of users; the error has
/// every problem, one `key: message` line each.
sdk::Result<ExecSettings> read_exec_settings(const sdk::PluginConfig& config);

}  // namespace notifyd::exec
