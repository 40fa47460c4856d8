#pragma once

#include <optional>
#include <string_view>

namespace notifyctl {

/// `notifyctl --help`: commands, global options, exit status.
std::string_view general_help();

/// `notifyctl COMMAND --help`, or nothing for an unknown command.
std::optional<std::string_view> command_help(std::string_view command);

}  // namespace notifyctl
