#pragma once
// notifyctl's commands, each described once: its name, options, parser,
// runner and help. Parsing (command_line.cpp), help and the man page
// (help_text.cpp) and dispatch (main.cpp) read this table.

#include <string_view>
#include <vector>

#include "api_client.hpp"
#include "command_parsers.hpp"
#include "commands.hpp"
#include "exit_code.hpp"

namespace notifyctl {

/// What a command's runner works with.
struct CommandContext {
  const GlobalOptions& options;
  const ApiClient& client;
  Console& console;
  const char* socket_from_environment;  ///< $NOTIFYD_SOCKET, or null
};

/// An option of one command.
struct CommandOption {
  std::string_view name;    ///< "--user", "-n"
  bool takes_value = true;  ///< false: a flag such as --local
};

/// One command.
struct CommandSpec {
  std::string_view name;
  std::string_view arguments;  ///< what follows the name in the command list, e.g. "METHOD PATH [JSON-BODY]"
  std::string_view summary;    ///< one line for the command list
  std::vector<CommandOption> options;
  ParsedCommand (*parse)(const CollectedArguments& collected);
  /// Runs the parsed command (the alternative `parse` gave).
  ExitCode (*run)(const Command& command, const CommandContext& context);
  std::string_view help;  ///< `notifyctl COMMAND --help`

  /// The option named `option_name`, or nullptr.
  const CommandOption* option(std::string_view option_name) const;
};

/// Every command, in the order of the command list.
const std::vector<CommandSpec>& command_table();

/// The command named `name`, or nullptr.
const CommandSpec* find_command(std::string_view name);

}  // namespace notifyctl
