#pragma once

#include <string>
#include <string_view>

#include "notifyd/sdk/status.hpp"

namespace notifyd::telegram {

/// Parses a message rate such as `1/s`, `30/s`, `20/min` or `100/h` into
/// messages per second. The count may have a fraction (`0.5/s`).
sdk::Result<double> parse_rate(std::string_view text);

}  // namespace notifyd::telegram
