#include "answer_text.hpp"
#include "daemon_call.hpp"

namespace notifyctl {

ExitCode fail(Console& console, ExitCode code, const std::string& message) {
  console.err << "notifyctl: " << message << '\n';
  return code;
}

void print_body(Console& console, const std::string& body) {
  if (body.empty()) return;
  console.out << body;
  if (body.back() != '\n') console.out << '\n';
}

ExitCode report(const TransportFailure& failure, Console& console) {
  const bool unreachable = failure.kind == TransportFailure::Kind::unreachable;
  return fail(console, unreachable ? ExitCode::unreachable : ExitCode::refused, failure.message);
}

std::variant<ApiResponse, ExitCode> call_daemon(const ApiClient& client, const ApiRequest& request, Console& console,
                                                std::string_view not_found_hint) {
  auto result = client.send(request);
  if (const auto* failure = std::get_if<TransportFailure>(&result)) return report(*failure, console);
  auto& response = std::get<ApiResponse>(result);
  if (!response.successful()) {
    std::string message = describe_refusal(response.status, response.reason, response.body);
    if (response.status == 404 && !not_found_hint.empty()) message += " " + std::string(not_found_hint);
    return fail(console, ExitCode::refused, message);
  }
  return std::move(response);
}

}  // namespace notifyctl
