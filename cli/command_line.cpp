#include "command_line.hpp"

#include <charconv>
#include <cmath>

#include "command_table.hpp"

namespace notifyctl {
namespace {

constexpr double max_timeout_seconds = 24 * 60 * 60;

bool is_global_value_option(std::string_view name) { return name == "--socket" || name == "--timeout"; }

// An option of `command` that takes a value (none before the command is known).
bool is_command_value_option(std::string_view command, std::string_view name) {
  const CommandSpec* spec = find_command(command);
  const CommandOption* option = spec != nullptr ? spec->option(name) : nullptr;
  return option != nullptr && option->takes_value;
}

bool is_command_flag(std::string_view command, std::string_view name) {
  const CommandSpec* spec = find_command(command);
  const CommandOption* option = spec != nullptr ? spec->option(name) : nullptr;
  return option != nullptr && !option->takes_value;
}

bool is_option(const std::string& argument) { return argument.size() > 1 && argument[0] == '-'; }

std::string option_name(const std::string& argument) {
  if (argument.starts_with("--")) return argument.substr(0, argument.find('='));
  return argument;
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

struct InformationRequest {
  bool help = false;
  bool version = false;
  bool manpage = false;
  std::string command;
  std::string help_topic;
};

// Whether `--help`, `--version` or `--manpage` comes before `--` (option values are skipped,
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
    } else if (argument == "--manpage") {
      request.manpage = true;
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
        if (find_command(argument) == nullptr) return UsageError{"unknown command '" + argument + "'", ""};
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


// Help on `topic`, a command name; empty (or "help" itself) means the general help.
std::variant<CommandLine, UsageError> help_about(const std::string& topic) {
  if (topic.empty() || topic == "help") return CommandLine{GlobalOptions{}, HelpRequest{}, "help"};
  if (find_command(topic) == nullptr) return UsageError{"unknown command '" + topic + "'", ""};
  return CommandLine{GlobalOptions{}, HelpRequest{topic}, "help"};
}

}  // namespace

std::variant<CommandLine, UsageError> parse_command_line(const std::vector<std::string>& arguments) {
  const InformationRequest information = find_information_request(arguments);
  if (information.help) {
    const bool asks_about_help = information.command == "help";
    return help_about(asks_about_help ? information.help_topic : information.command);
  }
  if (information.version) return CommandLine{GlobalOptions{}, VersionRequest{}};
  if (information.manpage) return CommandLine{GlobalOptions{}, ManpageRequest{}};

  auto collected_or_error = collect_arguments(arguments);
  if (auto* error = std::get_if<UsageError>(&collected_or_error)) return std::move(*error);
  auto& collected = std::get<CollectedArguments>(collected_or_error);
  if (collected.command.empty()) return UsageError{"no command given", ""};
  auto parsed = find_command(collected.command)->parse(collected);
  if (auto* error = std::get_if<UsageError>(&parsed)) return std::move(*error);
  return CommandLine{std::move(collected.options), std::get<Command>(std::move(parsed)), collected.command};
}

std::string resolve_socket_path(const std::optional<std::string>& from_option, const char* from_environment) {
  if (from_option) return *from_option;
  if (from_environment != nullptr && *from_environment != '\0') return from_environment;
  return std::string(default_socket_path);
}

}  // namespace notifyctl
