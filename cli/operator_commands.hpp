#pragma once
// Commands for operators: `queue`, `users`, `doctor`.

#include "api_client.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "exit_code.hpp"

namespace notifyctl {

/// `queue`: deliveries still to be made, per channel (GET /v1/health).
ExitCode run_queue(const GlobalOptions& options, const ApiClient& client, Console& console);

/// `users`: users linked to Telegram (GET /api/telegram/users, served by the telegram plugin).
ExitCode run_users(const GlobalOptions& options, const ApiClient& client, Console& console);

/// `doctor`: checks the config, the socket, the data directory and the
/// channels, one line each with what to fix; ExitCode::refused if any fails.
/// Talks to the socket named by --socket or $NOTIFYD_SOCKET, else the one in
/// the config (`socket_from_environment` is $NOTIFYD_SOCKET).
ExitCode run_doctor(const DoctorArguments& arguments, const GlobalOptions& options, const char* socket_from_environment,
                    Console& console);

}  // namespace notifyctl
