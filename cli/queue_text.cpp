#include "queue_text.hpp"

#include <vector>

#include "notifyd/sdk/counted.hpp"
#include "terminal_text.hpp"
#include "text_table.hpp"

namespace notifyctl {

std::string queue_text(const HealthReport& report) {
  if (report.channels.empty()) return "no channels\n";
  std::vector<std::vector<std::string>> rows{{"CHANNEL", "PENDING", "IN FLIGHT", "RETRYING", "FAILED"}};
  std::uint64_t total = 0;
  for (const notifyd::sdk::ChannelHealth& counts : report.channels) {
    rows.push_back({counts.channel.empty() ? std::string("?") : printable_line(counts.channel),
                    std::to_string(counts.pending), std::to_string(counts.in_flight), std::to_string(counts.retrying),
                    std::to_string(counts.failed)});
    // `pending` counts every delivery not yet made, those in flight and those waiting for a retry included.
    total += counts.pending;
  }
  std::string text = aligned_table(rows, {ColumnAlignment::left, ColumnAlignment::right, ColumnAlignment::right,
                                          ColumnAlignment::right, ColumnAlignment::right});
  if (total == 0) return text + "nothing waiting\n";
  return text + notifyd::sdk::counted(total, "delivery", "deliveries") + " waiting\n";
}

}  // namespace notifyctl
