#pragma once
// What every command does with the daemon: one request, a failure reported as
// one "notifyctl: ..." line with its exit code, a 2xx answer printed as
// received (--json) or as text.

#include <string>
#include <string_view>
#include <variant>

#include "api_client.hpp"
#include "api_responses.hpp"
#include "commands.hpp"
#include "exit_code.hpp"

namespace notifyctl {

/// Writes "notifyctl: <message>" to console.err and returns `code`.
ExitCode fail(Console& console, ExitCode code, const std::string& message);

/// Writes `body` to console.out, ending with a newline (nothing when empty).
void print_body(Console& console, const std::string& body);

/// Reports a request that got no answer: `unreachable` when the daemon could
/// not be reached, `refused` otherwise.
ExitCode report(const TransportFailure& failure, Console& console);

/// The daemon's 2xx answer to `request`, or the exit code of the failure
/// already reported; `not_found_hint` is added to the message of a 404.
std::variant<ApiResponse, ExitCode> call_daemon(const ApiClient& client, const ApiRequest& request, Console& console,
                                                std::string_view not_found_hint = {});

/// Decodes a 2xx body with `decode` (so --json, too, never passes on an
/// unusable answer) and prints it: as received with --json, else `format`ted.
template <typename Decode, typename Format>
ExitCode print_answer(const ApiResponse& response, const GlobalOptions& options, Console& console, Decode decode,
                      Format format) {
  auto decoded = decode(response.body);
  if (const auto* error = std::get_if<DecodeError>(&decoded)) return fail(console, ExitCode::refused, error->message);
  if (options.json_output) {
    print_body(console, response.body);
  } else {
    console.out << format(std::get<0>(decoded));
  }
  return ExitCode::success;
}

}  // namespace notifyctl
