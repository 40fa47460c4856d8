#include "health_text.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "terminal_text.hpp"

namespace notifyctl {
namespace {

constexpr std::array column_titles{"CHANNEL", "PENDING", "IN FLIGHT", "RETRYING", "DELIVERED", "FAILED"};
constexpr std::string_view column_gap = "  ";

using Row = std::array<std::string, column_titles.size()>;

Row row_of(const notifyd::sdk::ChannelHealth& counts) {
  return {counts.channel.empty() ? "?" : printable_line(counts.channel),
          std::to_string(counts.pending),
          std::to_string(counts.in_flight),
          std::to_string(counts.retrying),
          std::to_string(counts.delivered),
          std::to_string(counts.failed)};
}

std::string padding(std::size_t width, std::string_view cell) {
  return std::string(width - std::min(width, character_count(cell)), ' ');
}

}  // namespace

std::string health_text(const HealthReport& report) {
  const std::string status = report.status.empty() ? std::string("unknown") : printable_line(report.status);
  std::string text = "status: " + status + '\n';
  if (report.channels.empty()) return text + "no channels\n";

  std::vector<Row> rows;
  Row titles;
  std::copy(column_titles.begin(), column_titles.end(), titles.begin());
  rows.push_back(titles);
  for (const notifyd::sdk::ChannelHealth& counts : report.channels) rows.push_back(row_of(counts));

  std::array<std::size_t, column_titles.size()> widths{};
  for (const Row& row : rows) {
    for (std::size_t column = 0; column < row.size(); ++column) {
      widths[column] = std::max(widths[column], character_count(row[column]));
    }
  }
  for (const Row& row : rows) {
    std::string line = row[0] + padding(widths[0], row[0]);
    for (std::size_t column = 1; column < row.size(); ++column) {
      line += column_gap;
      line += padding(widths[column], row[column]) + row[column];
    }
    text += line + '\n';
  }
  for (const notifyd::sdk::ChannelHealth& counts : report.channels) {
    const std::string name = counts.channel.empty() ? std::string("?") : printable_line(counts.channel);
    if (!counts.state.empty() && counts.state != "ok") {
      text += name + ": " + printable_line(counts.state);
      if (!counts.last_error.empty()) text += ": " + printable_line(counts.last_error);
      text += '\n';
    }
    if (counts.figures.empty()) continue;
    text += name + ':';
    for (std::size_t i = 0; i < counts.figures.size(); ++i) {
      text += (i == 0 ? " " : ", ") + printable_line(counts.figures[i].name) + ' ' +
              std::to_string(counts.figures[i].value);
    }
    text += '\n';
  }
  return text;
}

}  // namespace notifyctl
