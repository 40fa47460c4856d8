#pragma once

#include <span>
#include <string>
#include <string_view>

namespace notifyd::core {

/// One option of the notifyd command.
struct CommandOption {
  std::string_view names;     ///< "-c, --config"
  std::string_view argument;  ///< "FILE", or empty
  std::string_view help;      ///< one sentence
};

/// The options `notifyd` accepts, in the order `--help` lists them.
std::span<const CommandOption> command_options();

/// What `notifyd --help` prints.
std::string usage_text();

/// The manual page notifyd(8), in roff, from the same options and texts as `--help`.
std::string manpage(std::string_view version);

}  // namespace notifyd::core
