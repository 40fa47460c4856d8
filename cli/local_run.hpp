#pragma once

#include "api_client.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "exit_code.hpp"

namespace notifyctl {

/// Where the seed runner kept its files, under the caller's home.
inline constexpr const char* runner_state_directory = ".notifications/state";
inline constexpr const char* runner_log_file = ".notifications/logs/runner.log";

/// `notifyctl run --local`, the drop-in for the seed's notify-runner in a
/// user's crontab: runs the caller's `~/user/notifications/*.py` (or the
/// named ones) in this process as the caller, one after the other, with the
/// seed's 60 s timeout; sends what they report through the socket's seed
/// routes (`/send`, `/send_photo`) unless the script's cooldown since
/// `~/.notifications/state/<name>.json` has not passed, updates that file
/// after a send, and appends what happened to `~/.notifications/logs/runner.log`
/// in the seed runner's format (and the per-script lines to console.out).
/// Scripts' output is read with the seed runner's leniency
/// (`read_check_output`), an `image_path` the caller cannot read is left out.
/// Exit status, as the seed runner's: 0 whatever the scripts did; 1 when a
/// named script does not exist; 2 when the daemon was unreachable for a send.
ExitCode run_local(const RunArguments& arguments, const ApiClient& client, Console& console);

}  // namespace notifyctl
