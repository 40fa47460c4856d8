#include "command_parsers.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include <rapidjson/document.h>

#include "api_requests.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/notification_tags.hpp"

namespace notifyctl {
namespace {

constexpr std::array text_formats{std::string_view{"markdown"}, std::string_view{"markdownv2"},
                                  std::string_view{"html"}, std::string_view{"plain"}};
constexpr std::array request_methods{std::string_view{"GET"},    std::string_view{"HEAD"},
                                     std::string_view{"POST"},   std::string_view{"PUT"},
                                     std::string_view{"PATCH"},  std::string_view{"DELETE"},
                                     std::string_view{"OPTIONS"}};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}
std::string lower_case(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return text;
}

std::string upper_case(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c); });
  return text;
}

std::optional<std::uint64_t> parse_positive_integer(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value == 0) return std::nullopt;
  return value;
}

bool is_valid_request_target(std::string_view target) {
  if (!target.starts_with('/')) return false;
  return std::none_of(target.begin(), target.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7F; });
}

std::optional<std::string> option_value(const CollectedArguments& collected, std::string_view name) {
  return collected.value(name);
}

// `name`'s priority (a number 1-5 or a name), or the error to answer.
std::optional<notifyd::sdk::Priority> priority_option(const CollectedArguments& collected, std::string_view name,
                                                      std::optional<std::string>& error) {
  const auto text = option_value(collected, name);
  if (!text) return std::nullopt;
  const auto priority = notifyd::sdk::parse_priority(*text);
  if (!priority) {
    error = std::string(name) + " must be " + std::string(notifyd::sdk::priority_choices) + ", got '" + *text + "'";
  }
  return priority;
}

std::optional<std::string> user_option(const CollectedArguments& collected, const std::string& command,
                                       std::optional<UsageError>& error) {
  auto user = option_value(collected, "--user");
  if (user && user->empty()) error = UsageError{"--user must not be empty", command};
  return user;
}

bool is_valid_check_name(std::string_view name) {
  return !name.empty() && std::none_of(name.begin(), name.end(), [](unsigned char c) { return c < 0x20 || c == 0x7F || c == '/'; });
}

// A command that takes nothing but the global options.
template <typename Arguments>
ParsedCommand no_arguments(const CollectedArguments& collected) {
  if (!collected.positionals.empty()) {
    const std::string& command = collected.command;
    return UsageError{command + " takes no arguments, got '" + collected.positionals[0] + "'", command};
  }
  return Arguments{};
}

}  // namespace

ParsedCommand parse_send(const CollectedArguments& collected) {
  const auto usage = [](std::string message) { return UsageError{std::move(message), "send"}; };
  if (collected.positionals.empty()) return usage("send needs a MESSAGE (- reads it from stdin)");
  if (collected.positionals.size() > 1) return usage("send takes one MESSAGE; quote it if it contains spaces");
  SendArguments send;
  send.user = option_value(collected, "--user");
  send.title = option_value(collected, "--title");
  send.image_path = option_value(collected, "--image");
  send.source = option_value(collected, "--source");
  if (send.user && send.user->empty()) return usage("--user must not be empty");
  if (send.image_path && send.image_path->empty()) return usage("--image must not be empty");
  if (send.source && send.source->empty()) return usage("--source must not be empty");
  std::optional<std::string> error;
  send.priority = priority_option(collected, "--priority", error).value_or(notifyd::sdk::default_priority);
  if (error) return usage(*error);
  if (const auto tags = option_value(collected, "--tags")) {
    auto parsed = notifyd::sdk::parse_tag_list(*tags);
    if (!parsed) return usage("--tags: " + parsed.error());
    send.tags = std::move(parsed).value();
  }
  if (const auto format = option_value(collected, "--format")) {
    const std::string lower = lower_case(*format);
    if (!contains(text_formats, lower)) {
      return usage("--format must be one of markdown, markdownv2, html, plain; got '" + *format + "'");
    }
    send.format = lower;
  }
  const std::string& message = collected.positionals.front();
  if (message == "-") {
    send.message_from_stdin = true;
  } else if (message.empty()) {
    return usage("MESSAGE must not be empty");
  } else {
    send.message = message;
  }
  return send;
}

ParsedCommand parse_history(const CollectedArguments& collected) {
  const auto usage = [](std::string message) { return UsageError{std::move(message), "history"}; };
  if (!collected.positionals.empty()) {
    return usage("history takes no arguments, got '" + collected.positionals[0] + "'");
  }
  HistoryArguments history;
  history.user = option_value(collected, "--user");
  if (history.user && history.user->empty()) return usage("--user must not be empty");
  if (const auto limit = option_value(collected, "--limit")) {
    const auto value = parse_positive_integer(*limit);
    if (!value || *value > UINT32_MAX) return usage("--limit must be a positive integer, got '" + *limit + "'");
    history.limit = static_cast<std::uint32_t>(*value);
  }
  if (const auto before = option_value(collected, "--before")) {
    const auto value = parse_positive_integer(*before);
    if (!value) return usage("--before must be a notification id (a positive integer), got '" + *before + "'");
    history.before_id = *value;
  }
  std::optional<std::string> error;
  history.min_priority = priority_option(collected, "--min-priority", error);
  if (error) return usage(*error);
  if (const auto tag = option_value(collected, "--tag")) {
    auto normalized = notifyd::sdk::normalized_tag(*tag);
    if (!normalized) return usage("--tag: " + normalized.error());
    history.tag = std::move(normalized).value();
  }
  return history;
}

ParsedCommand parse_request(const CollectedArguments& collected) {
  const auto usage = [](std::string message) { return UsageError{std::move(message), "request"}; };
  if (collected.positionals.size() < 2) return usage("request needs METHOD and PATH");
  if (collected.positionals.size() > 3) return usage("request takes METHOD PATH [JSON-BODY]; quote the body");
  RequestArguments request;
  request.method = upper_case(collected.positionals[0]);
  if (!contains(request_methods, request.method)) {
    return usage("unknown METHOD '" + collected.positionals[0] + "' (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS)");
  }
  request.target = collected.positionals[1];
  if (!is_valid_request_target(request.target)) {
    return usage("PATH must start with / and contain no spaces or control characters, got '" + request.target + "'");
  }
  if (collected.positionals.size() == 3) {
    const std::string& body = collected.positionals[2];
    if (body == "-") {
      request.body_from_stdin = true;
    } else {
      rapidjson::Document parsed;
      if (const auto syntax = notifyd::sdk::parse_json(body, parsed); !syntax) {
        return usage("JSON-BODY is not valid JSON: " + syntax.message);
      }
      request.body = body;
    }
  }
  return request;
}



ParsedCommand parse_checks(const CollectedArguments& collected) {
  if (!collected.positionals.empty()) {
    return UsageError{"checks takes no arguments, got '" + collected.positionals[0] + "'", "checks"};
  }
  std::optional<UsageError> error;
  ChecksArguments checks{user_option(collected, "checks", error)};
  if (error) return *error;
  return checks;
}

ParsedCommand parse_run(const CollectedArguments& collected) {
  const auto usage = [](std::string message) { return UsageError{std::move(message), "run"}; };
  std::optional<UsageError> error;
  RunArguments run;
  run.user = user_option(collected, "run", error);
  if (error) return *error;
  run.local = collected.flags.count("--local") > 0;
  if (run.local && run.user) return usage("--local runs your own scripts as you; it cannot be combined with --user");
  for (const std::string& name : collected.positionals) {
    if (!is_valid_check_name(name)) return usage("'" + name + "' is not a check name");
    if (std::find(run.names.begin(), run.names.end(), name) == run.names.end()) run.names.push_back(name);
  }
  return run;
}

ParsedCommand parse_logs(const CollectedArguments& collected) {
  const auto usage = [](std::string message) { return UsageError{std::move(message), "logs"}; };
  if (collected.positionals.empty()) return usage("logs needs the NAME of a check");
  if (collected.positionals.size() > 1) return usage("logs takes one NAME");
  LogsArguments logs;
  logs.name = collected.positionals.front();
  if (!is_valid_check_name(logs.name)) return usage("'" + logs.name + "' is not a check name");
  std::optional<UsageError> error;
  logs.user = user_option(collected, "logs", error);
  if (error) return *error;
  if (const auto limit = option_value(collected, "--limit")) {
    const auto value = parse_positive_integer(*limit);
    if (!value || *value > 500) return usage("--limit must be a number from 1 to 500, got '" + *limit + "'");
    logs.limit = static_cast<std::uint32_t>(*value);
  }
  return logs;
}

ParsedCommand parse_cron(const CollectedArguments& collected) {
  const auto usage = [](std::string message) { return UsageError{std::move(message), "cron"}; };
  if (collected.positionals.empty() || collected.positionals[0] != "next") {
    return usage("cron needs a subcommand: next EXPR");
  }
  if (collected.positionals.size() < 2) return usage("cron next needs a cron EXPR, e.g. '*/5 * * * *'");
  if (collected.positionals.size() > 2) {
    return usage("cron next takes one EXPR; quote it, e.g. '0 9 * * 1-5'");
  }
  CronNextArguments next;
  next.expression = collected.positionals[1];
  next.zone = option_value(collected, "--tz");
  if (next.zone && next.zone->empty()) return usage("--tz must not be empty");
  next.from = option_value(collected, "--from");
  if (const auto count = option_value(collected, "-n")) {
    const auto value = parse_positive_integer(*count);
    if (!value || *value > 1000) return usage("-n must be a number from 1 to 1000, got '" + *count + "'");
    next.count = static_cast<std::uint32_t>(*value);
  }
  return next;
}

ParsedCommand parse_desktop_token(const CollectedArguments& collected) {
  const auto usage = [](std::string message) { return UsageError{std::move(message), "desktop-token"}; };
  if (!collected.positionals.empty()) {
    return usage("desktop-token takes no arguments, got '" + collected.positionals[0] + "'");
  }
  DesktopTokenArguments arguments;
  arguments.user = option_value(collected, "--user");
  if (arguments.user && arguments.user->empty()) return usage("--user must not be empty");
  return arguments;
}

ParsedCommand parse_doctor(const CollectedArguments& collected) {
  if (!collected.positionals.empty()) {
    return UsageError{"doctor takes no arguments, got '" + collected.positionals[0] + "'", "doctor"};
  }
  DoctorArguments doctor;
  doctor.config_path = option_value(collected, "--config");
  if (doctor.config_path && doctor.config_path->empty()) return UsageError{"--config must not be empty", "doctor"};
  return doctor;
}

ParsedCommand parse_cluster(const CollectedArguments& collected) {
  const auto usage = [](std::string message) { return UsageError{std::move(message), "cluster"}; };
  if (collected.positionals.empty()) return usage("cluster needs a subcommand: import or export");
  if (collected.positionals.size() > 1) return usage("cluster takes one subcommand, got '" + collected.positionals[1] + "'");
  ClusterArguments cluster;
  const std::string& action = collected.positionals.front();
  if (action == "export") {
    cluster.action = ClusterArguments::Action::export_data;
  } else if (action != "import") {
    return usage("unknown cluster subcommand '" + action + "' (import or export)");
  }
  for (const auto& [name, value] : {std::pair{"--config", &cluster.config_path}, std::pair{"--data-dir", &cluster.data_dir},
                                    std::pair{"--dsn-file", &cluster.dsn_file}}) {
    *value = option_value(collected, name);
    if (*value && (*value)->empty()) return usage(std::string(name) + " must not be empty");
  }
  cluster.replace = collected.flags.contains("--replace");
  if (cluster.action == ClusterArguments::Action::export_data) {
    if (!cluster.data_dir) return usage("cluster export needs --data-dir NEWDIR, the directory to write");
    if (cluster.replace) return usage("--replace is for cluster import");
  }
  return cluster;
}

// `link CODE`, `unlink`, `status`, each with an optional --user.
ParsedCommand parse_telegram_link(const CollectedArguments& collected) {
  const std::string& command = collected.command;
  const auto usage = [&](std::string message) { return UsageError{std::move(message), command}; };
  const auto user = option_value(collected, "--user");
  if (user && user->empty()) return usage("--user must not be empty");
  if (command == "link") {
    if (collected.positionals.size() != 1) return usage("link needs the CODE the bot sent after /start");
    const std::string& code = collected.positionals.front();
    if (!is_link_code(code)) return usage("CODE is the 6 digits the bot sent after /start, got '" + code + "'");
    return LinkArguments{code, user};
  }
  if (!collected.positionals.empty()) {
    return usage(command + " takes no arguments, got '" + collected.positionals[0] + "'");
  }
  if (command == "unlink") return UnlinkArguments{user};
  return LinkStatusArguments{user};
}

// Help on `topic`, a command name; empty (or "help" itself) means the general help.

ParsedCommand parse_health(const CollectedArguments& collected) {
  return no_arguments<HealthArguments>(collected);
}

ParsedCommand parse_queue(const CollectedArguments& collected) {
  return no_arguments<QueueArguments>(collected);
}

ParsedCommand parse_users(const CollectedArguments& collected) {
  return no_arguments<UsersArguments>(collected);
}

ParsedCommand parse_login(const CollectedArguments& collected) {
  return no_arguments<LoginArguments>(collected);
}

ParsedCommand parse_token(const CollectedArguments& collected) {
  const auto usage = [](std::string message) { return UsageError{std::move(message), "token"}; };
  const auto& positionals = collected.positionals;
  if (positionals.empty()) return usage("token needs a subcommand: create, list or revoke");
  TokenArguments token;
  const std::string& action = positionals.front();
  if (action == "create") {
    token.action = TokenArguments::Action::create;
  } else if (action == "revoke") {
    token.action = TokenArguments::Action::revoke;
  } else if (action != "list") {
    return usage("unknown token subcommand '" + action + "' (create, list or revoke)");
  }
  for (const auto& [name, value] : {std::pair{"--user", &token.user}, std::pair{"--name", &token.name},
                                    std::pair{"--expires", &token.expires}}) {
    *value = option_value(collected, name);
    if (*value && (*value)->empty()) return usage(std::string(name) + " must not be empty");
  }
  if (token.action != TokenArguments::Action::create && (token.name || token.expires)) {
    return usage("--name and --expires are for token create");
  }
  if (token.action == TokenArguments::Action::revoke) {
    if (positionals.size() != 2) return usage("token revoke needs the ID of the token (see notifyctl token list)");
    token.id = positionals[1];
  } else if (positionals.size() > 1) {
    return usage("token " + action + " takes no arguments, got '" + positionals[1] + "'");
  }
  return token;
}

}  // namespace notifyctl
