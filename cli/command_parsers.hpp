#pragma once
// Each command's parser: from the collected options and positionals to its
// arguments, or the usage error. command_table.cpp names them.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "command_line.hpp"

namespace notifyctl {

/// A command line sorted by the option grammar, before its command reads it.
struct CollectedArguments {
  GlobalOptions options;
  std::string command;
  std::map<std::string, std::string, std::less<>> values;  ///< value options of the command, by name
  std::set<std::string, std::less<>> flags;                ///< flags of the command that were given
  std::vector<std::string> positionals;

  /// The value of option `name`, if given.
  std::optional<std::string> value(std::string_view name) const {
    const auto found = values.find(name);
    if (found == values.end()) return std::nullopt;
    return found->second;
  }
};

/// What a command's parser gives.
using ParsedCommand = std::variant<Command, UsageError>;

ParsedCommand parse_send(const CollectedArguments& collected);
ParsedCommand parse_history(const CollectedArguments& collected);
ParsedCommand parse_health(const CollectedArguments& collected);
ParsedCommand parse_request(const CollectedArguments& collected);
ParsedCommand parse_checks(const CollectedArguments& collected);
ParsedCommand parse_run(const CollectedArguments& collected);
ParsedCommand parse_logs(const CollectedArguments& collected);
ParsedCommand parse_cron(const CollectedArguments& collected);
ParsedCommand parse_desktop_token(const CollectedArguments& collected);
ParsedCommand parse_queue(const CollectedArguments& collected);
ParsedCommand parse_users(const CollectedArguments& collected);
ParsedCommand parse_doctor(const CollectedArguments& collected);
ParsedCommand parse_cluster(const CollectedArguments& collected);
ParsedCommand parse_login(const CollectedArguments& collected);
ParsedCommand parse_token(const CollectedArguments& collected);
/// `link CODE`, `unlink` and `status`: the command's name tells which.
ParsedCommand parse_telegram_link(const CollectedArguments& collected);

}  // namespace notifyctl
