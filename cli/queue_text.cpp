#include "queue_text.hpp"

#include <vector>

#include "notifyd/sdk/counted.hpp"
#include "terminal_text.hpp"
#include "text_table.hpp"

namespace notifyctl {
namespace {

std::string count_text(const std::optional<std::uint64_t>& count) { return count ? std::to_string(*count) : "?"; }

// `pending` counts every delivery not yet made, those in flight and those
// waiting for a retry included.
std::uint64_t waiting(const ChannelCounts& counts) {
  if (counts.pending) return *counts.pending;
  return counts.in_flight.value_or(0) + counts.retrying.value_or(0);
}

}  // namespace

std::string queue_text(const HealthReport& report) {
  if (report.channels.empty()) return "no channels\n";
  std::vector<std::vector<std::string>> rows{{"CHANNEL", "PENDING", "IN FLIGHT", "RETRYING", "FAILED"}};
  std::uint64_t total = 0;
  for (const ChannelCounts& counts : report.channels) {
    rows.push_back({counts.channel.empty() ? std::string("?") : printable_line(counts.channel),
                    count_text(counts.pending), count_text(counts.in_flight), count_text(counts.retrying),
                    count_text(counts.failed)});
    total += waiting(counts);
  }
  std::string text = aligned_table(rows, {ColumnAlignment::left, ColumnAlignment::right, ColumnAlignment::right,
                                          ColumnAlignment::right, ColumnAlignment::right});
  if (total == 0) return text + "nothing waiting\n";
  return text + notifyd::sdk::counted(total, "delivery", "deliveries") + " waiting\n";
}

}  // namespace notifyctl
