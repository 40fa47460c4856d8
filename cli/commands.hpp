#pragma once

#include <istream>
#include <ostream>

#include "api_client.hpp"
#include "command_line.hpp"
#include "exit_code.hpp"

namespace notifyctl {

/// Where a command reads stdin and writes its output and its error lines.
struct Console {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

// Each command sends its request through `client`, prints the answer (text, or
// the raw JSON with --json) to console.out and any failure as one
// "notifyctl: ..." line to console.err.
ExitCode run_send(const SendArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                  Console& console);
ExitCode run_history(const HistoryArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                     Console& console);
ExitCode run_health(const GlobalOptions& options, const ApiClient& client, Console& console);
ExitCode run_request(const RequestArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                     Console& console);
ExitCode run_checks(const ChecksArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                    Console& console);
/// Runs each named check (or every check of the user) through the daemon, one
/// after the other, and prints what each did; exit 1 when one failed, was
/// refused, timed out or printed bad output. `--local` runs scripts in this
/// process instead (see local_run.hpp).
ExitCode run_run(const RunArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                 Console& console);
ExitCode run_logs(const LogsArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                  Console& console);

// `cron next`: computed locally; prints the fire times, or the error (exit 64).
ExitCode run_cron_next(const CronNextArguments& arguments, Console& console);
/// Asks the daemon for a one-time web dashboard sign-in link for you and prints it.
ExitCode run_login(const GlobalOptions& options, const ApiClient& client, Console& console);
ExitCode run_desktop_token(const DesktopTokenArguments& arguments, const GlobalOptions& options,
                           const ApiClient& client, Console& console);

}  // namespace notifyctl
