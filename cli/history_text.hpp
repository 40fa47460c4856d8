#pragma once

#include <cstddef>
#include <string>

#include "api_answers.hpp"

namespace notifyctl {

/// Characters of a notification's one-line summary (title and first message line).
inline constexpr std::size_t history_summary_width = 100;

/// "bot: pending (3 attempts, last error: timeout)"
std::string delivery_line(const notifyd::sdk::DeliveryRecord& delivery);

/// One block per notification: a header (id, time, source, recipient), the
/// summary, one line per channel; blocks are separated by a blank line, and a
/// last line tells how to page back when the daemon has older ones.
std::string history_text(const HistoryPage& page);

}  // namespace notifyctl
