#pragma once
// What every command does with the daemon: one request, a failure reported as
// one "notifyctl: ..." line with its exit code, a 2xx answer printed as
// received (--json) or as text.

#include <string>
#include <string_view>
#include <variant>

#include "api_answers.hpp"
#include "api_client.hpp"
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

/// A 2xx body decoded with the API codec of `T`; the failure reads
/// "unexpected answer from notifyd: <what is wrong>".
template <typename T>
notifyd::sdk::Result<T> decode_answer(std::string_view body) {
  auto decoded = notifyd::sdk::api::from_json<T>(body);
  if (!decoded) return notifyd::sdk::Result<T>::failure("unexpected answer from notifyd: " + decoded.error());
  return decoded;
}

/// Decodes a 2xx body as a `T` (so --json, too, never passes on an unusable
/// answer) and prints it: as received with --json, else `format`ted.
template <typename T, typename Format>
ExitCode print_answer(const ApiResponse& response, const GlobalOptions& options, Console& console, Format format) {
  auto decoded = decode_answer<T>(response.body);
  if (!decoded) return fail(console, ExitCode::refused, decoded.error());
  if (options.json_output) {
    print_body(console, response.body);
  } else {
    console.out << format(decoded.value());
  }
  return ExitCode::success;
}

}  // namespace notifyctl
