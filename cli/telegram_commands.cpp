#include "telegram_commands.hpp"

#include <functional>

#include "api_responses.hpp"
#include "telegram_link.hpp"
#include "terminal_text.hpp"

namespace notifyctl {
namespace {

constexpr std::string_view not_served_hint =
    "(is a telegram plugin with routes = true in notifyd.toml?)";

ExitCode fail(Console& console, ExitCode code, const std::string& message) {
  console.err << "notifyctl: " << message << '\n';
  return code;
}

// The daemon's 2xx answer, or the exit code of the failure already reported.
std::variant<ApiResponse, ExitCode> call(const ApiClient& client, const ApiRequest& request, Console& console) {
  auto result = client.send(request);
  if (const auto* failure = std::get_if<TransportFailure>(&result)) {
    const bool unreachable = failure->kind == TransportFailure::Kind::unreachable;
    return fail(console, unreachable ? ExitCode::unreachable : ExitCode::refused, failure->message);
  }
  auto& response = std::get<ApiResponse>(result);
  if (!response.successful()) {
    std::string message = describe_refusal(response.status, response.reason, response.body);
    if (response.status == 404) message += " " + std::string(not_served_hint);
    return fail(console, ExitCode::refused, message);
  }
  return std::move(response);
}

ExitCode print(const ApiResponse& response, const GlobalOptions& options, Console& console,
               const std::function<std::string(const LinkState&)>& format) {
  auto decoded = decode_link_state(response.body);
  if (const auto* error = std::get_if<DecodeError>(&decoded)) return fail(console, ExitCode::refused, error->message);
  if (options.json_output) {
    console.out << response.body;
    if (!response.body.empty() && response.body.back() != '\n') console.out << '\n';
  } else {
    console.out << format(std::get<LinkState>(decoded));
  }
  return ExitCode::success;
}

}  // namespace

ExitCode run_link(const LinkArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                  Console& console) {
  auto answer = call(client, {"POST", "/api/telegram/verify", link_request_body(arguments.code, arguments.user)},
                     console);
  if (const auto* code = std::get_if<ExitCode>(&answer)) return *code;
  return print(std::get<ApiResponse>(answer), options, console, [&](const LinkState& state) {
    std::string text = "linked to Telegram";
    if (arguments.user) text = printable_line(*arguments.user) + " " + text;
    if (!state.linked_at.empty()) text += " at " + printable_line(state.linked_at);
    return text + "; the bot confirms in the chat\n";
  });
}

ExitCode run_unlink(const UnlinkArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                    Console& console) {
  auto answer = call(client, {"POST", "/api/telegram/unlink", link_request_body(std::nullopt, arguments.user)},
                     console);
  if (const auto* code = std::get_if<ExitCode>(&answer)) return *code;
  const auto& response = std::get<ApiResponse>(answer);
  if (options.json_output) {
    console.out << response.body << '\n';
  } else {
    console.out << (arguments.user ? printable_line(*arguments.user) + " is" : std::string("you are"))
                << " not linked to Telegram any more\n";
  }
  return ExitCode::success;
}

ExitCode run_link_status(const LinkStatusArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                         Console& console) {
  auto answer = call(client, {"GET", link_status_target(arguments.user), std::nullopt}, console);
  if (const auto* code = std::get_if<ExitCode>(&answer)) return *code;
  return print(std::get<ApiResponse>(answer), options, console,
               [&](const LinkState& state) { return link_state_text(state, arguments.user.value_or("")); });
}

}  // namespace notifyctl
