#pragma once
// How a user's script is started: interpreter, arguments, clean environment,
// working directory and identity.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "child_spawn.hpp"
#include "user_accounts.hpp"

namespace notifyd::exec {

/// Where the environment's fixed values come from.
struct EnvironmentSettings {
  std::string path;  ///< PATH
  std::string lang;  ///< LANG
};

/// The environment every script of `account` gets: HOME, USER, LOGNAME,
/// PATH, LANG, MPLCONFIGDIR=/tmp/mpl_<user>, NOTIFYD_USER.
std::vector<std::string> user_environment(const UserAccount& account, const EnvironmentSettings& settings);

/// What a run adds to it: NOTIFYD_CHECK, NOTIFYD_RUN_ID.
std::vector<std::string> run_environment(const std::string& check, std::uint64_t run_id);

/// `~/.venv/bin/python` when it exists and is executable, else `configured`.
std::string choose_interpreter(const std::filesystem::path& home, const std::string& configured);

/// The plan for running `script` as `account`. `daemon_uid` is geteuid():
/// as root the child switches to the account; otherwise it stays (the
/// caller has made sure the account is the daemon's own).
SpawnPlan script_plan(const std::filesystem::path& script, const UserAccount& account,
                      const EnvironmentSettings& settings, const std::string& interpreter, const std::string& check,
                      std::uint64_t run_id, uid_t daemon_uid);

}  // namespace notifyd::exec
