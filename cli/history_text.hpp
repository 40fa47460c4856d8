#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "api_answers.hpp"

namespace notifyctl {

/// Characters of a notification's one-line summary (title and first message line).
inline constexpr std::size_t history_summary_width = 100;

/// "bot: pending (3 attempts, last error: timeout)"
std::string delivery_line(const notifyd::sdk::DeliveryRecord& delivery);

/// One block per notification: a header (id, time, source, recipient, a
/// priority other than the default, tags), the summary, one line per channel;
/// blocks are separated by a blank line, and a last line tells how to page
/// back when the daemon has older ones, repeating `filter_options`.
std::string history_text(const HistoryPage& page, std::string_view filter_options = {});

/// The history filters as options to repeat when paging back:
/// ` --min-priority high --tag 'disk full'` (the tag quoted for a shell when it
/// needs it); empty without filters.
std::string history_filter_options(std::optional<notifyd::sdk::Priority> min_priority, std::string_view tag);

}  // namespace notifyctl
