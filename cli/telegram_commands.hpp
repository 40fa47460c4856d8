#pragma once
// `link CODE`, `unlink`, `status`: the Telegram link from a shell.

#include "api_client.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "exit_code.hpp"

namespace notifyctl {

/// Links the user to the chat that got CODE from the bot (POST /api/telegram/verify).
ExitCode run_link(const LinkArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                  Console& console);
/// Removes the user's link (POST /api/telegram/unlink); succeeds when there was none.
ExitCode run_unlink(const UnlinkArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                    Console& console);
/// Says whether the user is linked (GET /api/telegram/status).
ExitCode run_link_status(const LinkStatusArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                         Console& console);

}  // namespace notifyctl
