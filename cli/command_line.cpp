#include "command_line.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include <rapidjson/document.h>

#include "notifyd/sdk/json.hpp"

namespace notifyctl {
namespace {

constexpr std::array known_commands{std::string_view{"send"},    std::string_view{"history"},
                                    std::string_view{"health"},  std::string_view{"request"},
                                    std::string_view{"checks"},  std::string_view{"run"},
                                    std::string_view{"logs"},    std::string_view{"cron"},    std::string_view{"desktop-token"},
                                    std::string_view{"queue"},   std::string_view{"users"},   std::string_view{"doctor"},
                                    std::string_view{"login"},
                                    std::string_view{"link"},    std::string_view{"unlink"},  std::string_view{"status"},
                                    std::string_view{"help"}};
constexpr std::array text_formats{std::string_view{"markdown"}, std::string_view{"markdownv2"},
                                  std::string_view{"html"}, std::string_view{"plain"}};
constexpr std::array request_methods{std::string_view{"GET"},    std::string_view{"HEAD"},
                                     std::string_view{"POST"},   std::string_view{"PUT"},
                                     std::string_view{"PATCH"},  std::string_view{"DELETE"},
                                     std::string_view{"OPTIONS"}};
constexpr double max_timeout_seconds = 24 * 60 * 60;

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool is_known_command(std::string_view name) { return contains(known_commands, name); }

bool is_global_value_option(std::string_view name) { return name == "--socket" || name == "--timeout"; }

bool is_command_value_option(std::string_view command, std::string_view name) {
  if (command == "cron") return name == "--tz" || name == "--from" || name == "-n";
  if (command == "send") {
    return name == "--user" || name == "--title" || name == "--image" || name == "--format" || name == "--source";
  }
  if (command == "history") return name == "--user" || name == "--limit" || name == "--before";
  if (command == "checks" || command == "run") return name == "--user";
  if (command == "logs") return name == "--user" || name == "--limit";
  if (command == "desktop-token") return name == "--user";
  if (command == "doctor") return name == "--config";
  if (command == "link" || command == "unlink" || command == "status") return name == "--user";
  return false;
}

bool is_command_flag(std::string_view command, std::string_view name) { return command == "run" && name == "--local"; }

bool is_option(const std::string& argument) { return argument.size() > 1 && argument[0] == '-'; }

std::string option_name(const std::string& argument) {
  if (argument.starts_with("--")) return argument.substr(0, argument.find('='));
  return argument;
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

std::optional<std::chrono::milliseconds> parse_timeout(std::string_view text) {
  double seconds = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error != std::errc{} || end != text.data() + text.size() || !std::isfinite(seconds) || seconds <= 0 ||
      seconds > max_timeout_seconds) {
    return std::nullopt;
  }
  return std::chrono::milliseconds{static_cast<std::int64_t>(std::ceil(seconds * 1000))};
}

bool is_valid_request_target(std::string_view target) {
  if (!target.starts_with('/')) return false;
  return std::none_of(target.begin(), target.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7F; });
}

struct InformationRequest {
  bool help = false;
  bool version = false;
  std::string command;
  std::string help_topic;
};

// Whether `--help` or `--version` comes before `--` (option values are skipped,
// so `--title --help` is a title), and the command or help topic it is about.
InformationRequest find_information_request(const std::vector<std::string>& arguments) {
  InformationRequest request;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    if (argument == "--") break;
    if (argument == "-h" || argument == "--help") {
      request.help = true;
    } else if (argument == "--version") {
      request.version = true;
    } else if (is_option(argument)) {
      const std::string name = option_name(argument);
      const bool value_follows = argument.find('=') == std::string::npos &&
                                 (is_global_value_option(name) || is_command_value_option(request.command, name));
      if (value_follows) ++i;
    } else if (request.command.empty()) {
      request.command = argument;
    } else if (request.command == "help" && request.help_topic.empty()) {
      request.help_topic = argument;
    }
  }
  return request;
}

struct CollectedArguments {
  GlobalOptions options;
  std::string command;
  std::map<std::string, std::string, std::less<>> values;
  std::set<std::string, std::less<>> flags;
  std::vector<std::string> positionals;
};

std::variant<CollectedArguments, UsageError> collect_arguments(const std::vector<std::string>& arguments) {
  CollectedArguments collected;
  bool options_ended = false;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    if (!options_ended && argument == "--") {
      options_ended = true;
      continue;
    }
    if (options_ended || !is_option(argument)) {
      if (collected.command.empty()) {
        if (!is_known_command(argument)) return UsageError{"unknown command '" + argument + "'", ""};
        collected.command = argument;
      } else {
        collected.positionals.push_back(argument);
      }
      continue;
    }
    const std::string name = option_name(argument);
    const std::size_t equals = argument.starts_with("--") ? argument.find('=') : std::string::npos;
    const bool has_inline_value = equals != std::string::npos;
    if (name == "--json") {
      if (has_inline_value) return UsageError{"--json takes no value", collected.command};
      collected.options.json_output = true;
      continue;
    }
    if (is_command_flag(collected.command, name)) {
      if (has_inline_value) return UsageError{name + " takes no value", collected.command};
      collected.flags.insert(name);
      continue;
    }
    const bool global = is_global_value_option(name);
    if (!global && !is_command_value_option(collected.command, name)) {
      if (collected.command.empty()) return UsageError{"unknown option " + name, ""};
      return UsageError{"unknown option " + name + " for " + collected.command, collected.command};
    }
    std::string value;
    if (has_inline_value) {
      value = argument.substr(equals + 1);
    } else if (i + 1 < arguments.size()) {
      value = arguments[++i];
    } else {
      return UsageError{"option " + name + " needs a value", global ? "" : collected.command};
    }
    if (name == "--socket") {
      if (value.empty()) return UsageError{"--socket must not be empty", ""};
      collected.options.socket_path = value;
    } else if (name == "--timeout") {
      const auto timeout = parse_timeout(value);
      if (!timeout) return UsageError{"--timeout must be a number of seconds above 0, got '" + value + "'", ""};
      collected.options.timeout = *timeout;
      collected.options.timeout_given = true;
    } else {
      collected.values.insert_or_assign(name, value);
    }
  }
  return collected;
}

std::optional<std::string> option_value(const CollectedArguments& collected, std::string_view name) {
  const auto found = collected.values.find(name);
  if (found == collected.values.end()) return std::nullopt;
  return found->second;
}

std::variant<SendArguments, UsageError> build_send(const CollectedArguments& collected) {
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

std::variant<HistoryArguments, UsageError> build_history(const CollectedArguments& collected) {
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
  return history;
}

std::variant<RequestArguments, UsageError> build_request(const CollectedArguments& collected) {
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

std::optional<std::string> user_option(const CollectedArguments& collected, const std::string& command,
                                       std::optional<UsageError>& error) {
  auto user = option_value(collected, "--user");
  if (user && user->empty()) error = UsageError{"--user must not be empty", command};
  return user;
}

bool is_valid_check_name(std::string_view name) {
  return !name.empty() && std::none_of(name.begin(), name.end(), [](unsigned char c) { return c < 0x20 || c == 0x7F || c == '/'; });
}

std::variant<ChecksArguments, UsageError> build_checks(const CollectedArguments& collected) {
  if (!collected.positionals.empty()) {
    return UsageError{"checks takes no arguments, got '" + collected.positionals[0] + "'", "checks"};
  }
  std::optional<UsageError> error;
  ChecksArguments checks{user_option(collected, "checks", error)};
  if (error) return *error;
  return checks;
}

std::variant<RunArguments, UsageError> build_run(const CollectedArguments& collected) {
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

std::variant<LogsArguments, UsageError> build_logs(const CollectedArguments& collected) {
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

std::variant<CronNextArguments, UsageError> build_cron(const CollectedArguments& collected) {
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

std::variant<DesktopTokenArguments, UsageError> build_desktop_token(const CollectedArguments& collected) {
  const auto usage = [](std::string message) { return UsageError{std::move(message), "desktop-token"}; };
  if (!collected.positionals.empty()) {
    return usage("desktop-token takes no arguments, got '" + collected.positionals[0] + "'");
  }
  DesktopTokenArguments arguments;
  arguments.user = option_value(collected, "--user");
  if (arguments.user && arguments.user->empty()) return usage("--user must not be empty");
  return arguments;
}

std::variant<DoctorArguments, UsageError> build_doctor(const CollectedArguments& collected) {
  if (!collected.positionals.empty()) {
    return UsageError{"doctor takes no arguments, got '" + collected.positionals[0] + "'", "doctor"};
  }
  DoctorArguments doctor;
  doctor.config_path = option_value(collected, "--config");
  if (doctor.config_path && doctor.config_path->empty()) return UsageError{"--config must not be empty", "doctor"};
  return doctor;
}

// `link CODE`, `unlink`, `status`, each with an optional --user.
std::variant<CommandLine, UsageError> build_telegram_link(const CollectedArguments& collected) {
  const std::string& command = collected.command;
  const auto usage = [&](std::string message) { return UsageError{std::move(message), command}; };
  const auto user = option_value(collected, "--user");
  if (user && user->empty()) return usage("--user must not be empty");
  if (command == "link") {
    if (collected.positionals.size() != 1) return usage("link needs the CODE the bot sent after /start");
    const std::string& code = collected.positionals.front();
    const bool six_digits = code.size() == 6 && std::all_of(code.begin(), code.end(), [](char c) {
                              return c >= '0' && c <= '9';
                            });
    if (!six_digits) return usage("CODE is the 6 digits the bot sent after /start, got '" + code + "'");
    return CommandLine{collected.options, LinkArguments{code, user}};
  }
  if (!collected.positionals.empty()) {
    return usage(command + " takes no arguments, got '" + collected.positionals[0] + "'");
  }
  if (command == "unlink") return CommandLine{collected.options, UnlinkArguments{user}};
  return CommandLine{collected.options, LinkStatusArguments{user}};
}

// Help on `topic`, a command name; empty (or "help" itself) means the general help.
std::variant<CommandLine, UsageError> help_about(const std::string& topic, const GlobalOptions& options) {
  if (topic.empty() || topic == "help") return CommandLine{options, HelpRequest{}};
  if (!is_known_command(topic)) return UsageError{"unknown command '" + topic + "'", ""};
  return CommandLine{options, HelpRequest{topic}};
}

template <typename Arguments>
std::variant<CommandLine, UsageError> to_command_line(GlobalOptions options,
                                                      std::variant<Arguments, UsageError> built) {
  if (auto* error = std::get_if<UsageError>(&built)) return std::move(*error);
  return CommandLine{std::move(options), std::get<Arguments>(std::move(built))};
}

}  // namespace

std::variant<CommandLine, UsageError> parse_command_line(const std::vector<std::string>& arguments) {
  const InformationRequest information = find_information_request(arguments);
  if (information.help) {
    const bool asks_about_help = information.command == "help";
    return help_about(asks_about_help ? information.help_topic : information.command, GlobalOptions{});
  }
  if (information.version) return CommandLine{GlobalOptions{}, VersionRequest{}};

  auto collected_or_error = collect_arguments(arguments);
  if (auto* error = std::get_if<UsageError>(&collected_or_error)) return std::move(*error);
  auto& collected = std::get<CollectedArguments>(collected_or_error);

  if (collected.command.empty()) return UsageError{"no command given", ""};
  if (collected.command == "help") {
    if (collected.positionals.size() > 1) return UsageError{"help takes at most one COMMAND", ""};
    return help_about(collected.positionals.empty() ? "" : collected.positionals.front(), collected.options);
  }
  if (collected.command == "send") return to_command_line(collected.options, build_send(collected));
  if (collected.command == "history") return to_command_line(collected.options, build_history(collected));
  if (collected.command == "health") {
    if (!collected.positionals.empty()) {
      return UsageError{"health takes no arguments, got '" + collected.positionals[0] + "'", "health"};
    }
    return CommandLine{collected.options, HealthArguments{}};
  }
  if (collected.command == "checks") return to_command_line(collected.options, build_checks(collected));
  if (collected.command == "run") return to_command_line(collected.options, build_run(collected));
  if (collected.command == "logs") return to_command_line(collected.options, build_logs(collected));
  if (collected.command == "cron") return to_command_line(collected.options, build_cron(collected));
  if (collected.command == "desktop-token") {
    return to_command_line(collected.options, build_desktop_token(collected));
  }
  if (collected.command == "queue" || collected.command == "users") {
    if (!collected.positionals.empty()) {
      return UsageError{collected.command + " takes no arguments, got '" + collected.positionals[0] + "'",
                        collected.command};
    }
    if (collected.command == "queue") return CommandLine{collected.options, QueueArguments{}};
    return CommandLine{collected.options, UsersArguments{}};
  }
  if (collected.command == "doctor") return to_command_line(collected.options, build_doctor(collected));
  if (collected.command == "link" || collected.command == "unlink" || collected.command == "status") {
    return build_telegram_link(collected);
  }
  if (collected.command == "login") {
    if (!collected.positionals.empty()) {
      return UsageError{"login takes no arguments, got '" + collected.positionals[0] + "'", "login"};
    }
    return CommandLine{collected.options, LoginArguments{}};
  }
  return to_command_line(collected.options, build_request(collected));
}

std::string resolve_socket_path(const std::optional<std::string>& from_option, const char* from_environment) {
  if (from_option) return *from_option;
  if (from_environment != nullptr && *from_environment != '\0') return from_environment;
  return std::string(default_socket_path);
}

}  // namespace notifyctl
