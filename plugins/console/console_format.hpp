#pragma once

#include <string>

#include "notifyd/sdk/notification.hpp"

namespace notifyd::console {

/// A notification as a human reads it on a terminal: a header line with id,
/// recipient and source, the title, then the message indented.
std::string format_text(const sdk::Notification& notification);

/// A notification as one JSON line, for tools that read the console output.
std::string format_json_line(const sdk::Notification& notification);

}  // namespace notifyd::console
