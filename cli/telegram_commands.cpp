#include "telegram_commands.hpp"

#include "account_text.hpp"
#include "api_requests.hpp"
#include "daemon_call.hpp"
#include "terminal_text.hpp"

namespace notifyctl {
namespace {

constexpr std::string_view not_served_hint =
    "(is a telegram plugin with routes = true in notifyd.toml?)";

// The daemon's 2xx answer, or the exit code of the failure already reported.
std::variant<ApiResponse, ExitCode> call(const ApiClient& client, const ApiRequest& request, Console& console) {
  return call_daemon(client, request, console, not_served_hint);
}

}  // namespace

ExitCode run_link(const LinkArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                  Console& console) {
  auto answer = call(client, {"POST", "/api/telegram/verify", link_request_body(arguments.code, arguments.user)},
                     console);
  if (const auto* code = std::get_if<ExitCode>(&answer)) return *code;
  return print_answer<TelegramLink>(std::get<ApiResponse>(answer), options, console, [&](const TelegramLink& state) {
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
    print_body(console, response.body);
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
  return print_answer<TelegramLink>(std::get<ApiResponse>(answer), options, console, [&](const TelegramLink& state) {
    // Whether /start can work at all: an unlinked user of an off bot is told so instead.
    std::optional<bool> bot_enabled;
    if (!state.linked) {
      auto bot = client.send({"GET", "/api/telegram/bot", std::nullopt});
      if (const auto* response = std::get_if<ApiResponse>(&bot); response && response->successful()) {
        if (auto decoded = notifyd::sdk::api::from_json<TelegramBot>(response->body)) {
          bot_enabled = decoded.value().configured;
        }
      }
    }
    return link_state_text(state, bot_enabled, arguments.user.value_or(""));
  });
}

}  // namespace notifyctl
