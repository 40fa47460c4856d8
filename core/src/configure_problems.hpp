#pragma once
// A plugin's configure() refusal, pointed at the keys it names.

#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "config_error.hpp"
#include "notifyd/sdk/config.hpp"

namespace notifyd::core {

/// Turns the message of a refused `configure()` into located mistakes, one
/// per line (see sdk::ConfigProblems): a line whose first word (backquotes
/// allowed) is a key of `schema` written in `table` points at that key's
/// value; any other line points at the table itself. Each message is
/// prefixed with `what` (`plugin "web" (webui)`).
ConfigErrors locate_configure_problems(const std::string& file, const toml::table& table,
                                       const sdk::ConfigSchema& schema, const std::string& what,
                                       std::string_view message);

}  // namespace notifyd::core
