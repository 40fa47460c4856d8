#include "token_commands.hpp"

#include "api_requests.hpp"
#include "daemon_call.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "terminal_text.hpp"
#include "text_table.hpp"

namespace notifyctl {
namespace {

constexpr std::string_view not_served_hint = "(is a webui plugin configured in notifyd.toml?)";

std::string expiry_text(const ApiTokenInfo& token) {
  if (token.expires_at == 0) return "never";
  return notifyd::sdk::format_utc_readable(token.expires_at) + (token.expired ? " (expired)" : "");
}

}  // namespace

std::string issued_token_text(const IssuedApiToken& issued) {
  const ApiTokenInfo& info = issued.issued;
  std::string text = printable_line(issued.token) + "\n\n";
  text += "ID:       " + printable_line(info.id) + "\n";
  if (!info.name.empty()) text += "Name:     " + printable_line(info.name) + "\n";
  text += "User:     " + printable_line(info.user) + " (the only recipient it can send to)\n";
  text += "Expires:  " + expiry_text(info) + "\n";
  text += "This is the only time the token is shown: notifyd keeps a digest of it.\n";
  return text;
}

std::string token_list_text(const ApiTokenList& list) {
  if (list.tokens.empty()) return "no API tokens (notifyctl token create makes one)\n";
  std::vector<std::vector<std::string>> rows{{"ID", "NAME", "CREATED", "EXPIRES"}};
  for (const auto& token : list.tokens) {
    rows.push_back({printable_line(token.id), printable_line(token.name),
                    notifyd::sdk::format_utc_readable(token.created_at), expiry_text(token)});
  }
  return aligned_table(rows, {ColumnAlignment::left, ColumnAlignment::left, ColumnAlignment::left, ColumnAlignment::left});
}

ExitCode run_token(const TokenArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                   Console& console) {
  using Action = TokenArguments::Action;
  if (arguments.action == Action::create) {
    auto body = token_create_body(arguments.name, arguments.expires, arguments.user);
    if (const auto* invalid = std::get_if<InvalidInput>(&body)) return fail(console, ExitCode::usage, invalid->message);
    auto answer = call_daemon(client, {"POST", "/v1/tokens", std::get<std::string>(std::move(body))}, console,
                              not_served_hint);
    if (const auto* code = std::get_if<ExitCode>(&answer)) return *code;
    return print_answer<IssuedApiToken>(std::get<ApiResponse>(answer), options, console, issued_token_text);
  }
  if (arguments.action == Action::list) {
    auto answer = call_daemon(client, {"GET", tokens_request_target({}, arguments.user), std::nullopt}, console,
                              not_served_hint);
    if (const auto* code = std::get_if<ExitCode>(&answer)) return *code;
    return print_answer<ApiTokenList>(std::get<ApiResponse>(answer), options, console, token_list_text);
  }
  auto answer =
      call_daemon(client, {"DELETE", tokens_request_target(arguments.id, arguments.user), std::nullopt}, console);
  if (const auto* code = std::get_if<ExitCode>(&answer)) return *code;
  const auto& response = std::get<ApiResponse>(answer);
  if (options.json_output) {
    print_body(console, response.body);
  } else {
    console.out << "revoked API token " << printable_line(arguments.id) << "\n";
  }
  return ExitCode::success;
}

}  // namespace notifyctl
