#pragma once

#include <ostream>
#include <string_view>

#include "notifyd/sdk/config.hpp"

namespace notifyd::core {

/// Prints one config table's documentation: its keys, types, defaults and help,
/// as a commented TOML snippet a reader can paste.
void print_schema(std::ostream& out, std::string_view heading, const sdk::ConfigSchema& schema);

}  // namespace notifyd::core
