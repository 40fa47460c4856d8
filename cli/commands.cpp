#include "commands.hpp"

#include <optional>
#include <pwd.h>
#include <unistd.h>

#include "account_text.hpp"
#include "answer_text.hpp"
#include "api_requests.hpp"
#include "bounded_input.hpp"
#include "cron_next.hpp"
#include "daemon_call.hpp"
#include "checks_text.hpp"
#include "health_text.hpp"
#include "history_text.hpp"
#include "local_run.hpp"
#include "request_text.hpp"
#include "send_text.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "terminal_text.hpp"

namespace notifyctl {
namespace {

std::optional<std::string> current_user_name() {
  const passwd* entry = ::getpwuid(::geteuid());
  if (entry == nullptr || entry->pw_name == nullptr || *entry->pw_name == '\0') return std::nullopt;
  return std::string(entry->pw_name);
}

std::string without_trailing_newlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace

ExitCode run_send(const SendArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                  Console& console) {
  NotifyFields fields;
  if (arguments.message_from_stdin) {
    auto input = read_all(console.in, stdin_limit, "the message on stdin");
    if (const auto* error = std::get_if<InputError>(&input)) return fail(console, ExitCode::usage, error->message);
    fields.message = without_trailing_newlines(std::get<std::string>(std::move(input)));
    if (fields.message.empty()) return fail(console, ExitCode::usage, "the message on stdin is empty");
  } else {
    fields.message = arguments.message;
  }
  if (arguments.image_path) {
    auto image = read_file(*arguments.image_path, image_limit);
    if (const auto* error = std::get_if<InputError>(&image)) return fail(console, ExitCode::usage, error->message);
    fields.image_bytes = std::get<std::string>(std::move(image));
    if (fields.image_bytes->empty()) return fail(console, ExitCode::usage, *arguments.image_path + " is empty");
  }
  fields.user = arguments.user ? arguments.user : current_user_name();
  fields.title = arguments.title;
  fields.format = arguments.format;
  fields.source = arguments.source;
  fields.labels = {arguments.priority, arguments.tags};

  auto body = notify_request_body(fields);
  if (const auto* invalid = std::get_if<InvalidInput>(&body)) return fail(console, ExitCode::usage, invalid->message);

  auto answer = call_daemon(client, {"POST", "/v1/notify", std::get<std::string>(std::move(body))}, console);
  if (const auto* code = std::get_if<ExitCode>(&answer)) return *code;
  const std::string requested_user = fields.user.value_or("");
  return print_answer<notifyd::sdk::PublishOutcome>(
      std::get<ApiResponse>(answer), options, console,
      [&](const notifyd::sdk::PublishOutcome& receipt) { return send_text(receipt, requested_user); });
}

ExitCode run_history(const HistoryArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                     Console& console) {
  const auto user = arguments.user ? arguments.user : current_user_name();
  const std::string target =
      history_request_target(user, arguments.limit, arguments.before_id, arguments.min_priority, arguments.tag);
  auto answer = call_daemon(client, {"GET", target, std::nullopt}, console);
  if (const auto* code = std::get_if<ExitCode>(&answer)) return *code;
  return print_answer<HistoryPage>(std::get<ApiResponse>(answer), options, console, [&](const HistoryPage& page) {
    return history_text(page, history_filter_options(arguments.min_priority, arguments.tag));
  });
}

ExitCode run_health(const GlobalOptions& options, const ApiClient& client, Console& console) {
  auto answer = call_daemon(client, {"GET", "/v1/health", std::nullopt}, console);
  if (const auto* code = std::get_if<ExitCode>(&answer)) return *code;
  return print_answer<HealthReport>(std::get<ApiResponse>(answer), options, console, health_text);
}

ExitCode run_request(const RequestArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                     Console& console) {
  ApiRequest request{arguments.method, arguments.target, arguments.body};
  if (arguments.body_from_stdin) {
    auto input = read_all(console.in, stdin_limit, "the body on stdin");
    if (const auto* error = std::get_if<InputError>(&input)) return fail(console, ExitCode::usage, error->message);
    request.json_body = std::get<std::string>(std::move(input));
    rapidjson::Document parsed;
    if (const auto syntax = notifyd::sdk::parse_json(*request.json_body, parsed); !syntax) {
      return fail(console, ExitCode::usage, "the body on stdin is not valid JSON: " + syntax.message);
    }
  }
  auto result = client.send(request);
  if (const auto* failure = std::get_if<TransportFailure>(&result)) return report(*failure, console);
  const auto& response = std::get<ApiResponse>(result);
  if (options.json_output) {
    print_body(console, response.body);
  } else {
    console.out << request_text(response);
  }
  if (!response.successful()) {
    return fail(console, ExitCode::refused, describe_refusal(response.status, response.reason, response.body));
  }
  return ExitCode::success;
}

ExitCode run_checks(const ChecksArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                    Console& console) {
  auto answer = call_daemon(client, {"GET", checks_request_target(arguments.user), std::nullopt}, console);
  if (const auto* code = std::get_if<ExitCode>(&answer)) return *code;
  const std::int64_t now = notifyd::sdk::now_epoch_ms();
  return print_answer<CheckList>(std::get<ApiResponse>(answer), options, console,
                                 [now](const CheckList& list) { return checks_table(list, now); });
}

ExitCode run_run(const RunArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                 Console& console) {
  if (arguments.local) return run_local(arguments, client, console);
  std::vector<std::string> names = arguments.names;
  if (names.empty()) {
    auto answer = call_daemon(client, {"GET", checks_request_target(arguments.user), std::nullopt}, console);
    if (const auto* code = std::get_if<ExitCode>(&answer)) return *code;
    auto list = decode_answer<CheckList>(std::get<ApiResponse>(answer).body);
    if (!list) return fail(console, ExitCode::refused, list.error());
    const auto owner = arguments.user ? arguments.user : current_user_name();
    for (const notifyd::sdk::CheckStatus& check : list.value().checks) {
      const auto& definition = check.definition;
      if (!owner || definition.user.empty() || definition.user == *owner) names.push_back(definition.name);
    }
    if (names.empty()) {
      if (!options.json_output) console.out << "no checks to run\n";
      return ExitCode::success;
    }
  }
  ExitCode outcome = ExitCode::success;
  for (const std::string& name : names) {
    auto result = client.send({"POST", run_request_target(name, arguments.user), std::nullopt});
    if (const auto* failure = std::get_if<TransportFailure>(&result)) return report(*failure, console);
    const auto& response = std::get<ApiResponse>(result);
    if (!response.successful()) {
      fail(console, ExitCode::refused, printable_line(name) + ": " +
                                           describe_refusal(response.status, response.reason, response.body));
      outcome = ExitCode::refused;
      continue;
    }
    auto decoded = decode_answer<RunReport>(response.body);
    if (!decoded) {
      fail(console, ExitCode::refused, printable_line(name) + ": " + decoded.error());
      outcome = ExitCode::refused;
      continue;
    }
    const notifyd::sdk::RunRecord& run = decoded.value().run;
    if (options.json_output) {
      print_body(console, response.body);
    } else {
      console.out << run_result_text(run);
    }
    if (is_failed_outcome(run.outcome)) outcome = ExitCode::refused;
  }
  return outcome;
}

ExitCode run_logs(const LogsArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                  Console& console) {
  const std::string target = runs_request_target(arguments.name, arguments.user, arguments.limit);
  auto answer = call_daemon(client, {"GET", target, std::nullopt}, console);
  if (const auto* code = std::get_if<ExitCode>(&answer)) return *code;
  const std::int64_t now = notifyd::sdk::now_epoch_ms();
  return print_answer<RunList>(std::get<ApiResponse>(answer), options, console,
                               [now](const RunList& list) { return runs_text(list, now); });
}

ExitCode run_cron_next(const CronNextArguments& arguments, Console& console) {
  auto text = cron_next_text(arguments, notifyd::sdk::now_epoch_ms() / 1000);
  if (!text) return fail(console, ExitCode::usage, text.error());
  console.out << text.value();
  return ExitCode::success;
}

ExitCode run_desktop_token(const DesktopTokenArguments& arguments, const GlobalOptions& options,
                           const ApiClient& client, Console& console) {
  const std::string body = desktop_token_request_body(arguments.user ? &*arguments.user : nullptr);
  auto answer = call_daemon(client, {"POST", "/api/desktop/token", body}, console);
  if (const auto* code = std::get_if<ExitCode>(&answer)) return *code;
  return print_answer<DesktopToken>(std::get<ApiResponse>(answer), options, console, desktop_token_text);
}

ExitCode run_login(const GlobalOptions& options, const ApiClient& client, Console& console) {
  auto result = client.send({"POST", "/api/login-link", std::nullopt});
  if (const auto* failure = std::get_if<TransportFailure>(&result)) return report(*failure, console);
  const auto& response = std::get<ApiResponse>(result);
  if (!response.successful()) {
    const std::string hint = login_refusal_hint(response.status);
    return fail(console, ExitCode::refused,
                hint.empty() ? describe_refusal(response.status, response.reason, response.body) : hint);
  }
  return print_answer<LoginLink>(response, options, console, login_link_text);
}

}  // namespace notifyctl
