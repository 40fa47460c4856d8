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

}  // namespace notifyctl
