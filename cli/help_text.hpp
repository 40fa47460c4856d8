#pragma once
// notifyctl's help and man page, written from the command table.

#include <optional>
#include <string>
#include <string_view>

namespace notifyctl {

/// `notifyctl --help`: commands, global options, exit status.
std::string general_help();

/// `notifyctl COMMAND --help`, or nothing for an unknown command.
std::optional<std::string_view> command_help(std::string_view command);

/// `notifyctl --manpage`: notifyctl.1 in roff, from the same text as --help.
std::string manpage(std::string_view version);

}  // namespace notifyctl
