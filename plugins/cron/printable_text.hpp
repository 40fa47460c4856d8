#pragma once

#include <string>
#include <string_view>

namespace notifyd::cron {

/// `text` made safe to quote in a message or log line: control and non-ASCII
/// bytes become `?`.
std::string printable(std::string_view text);

}  // namespace notifyd::cron
