#include "health_text.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "notifyd/sdk/utc_time.hpp"
#include "terminal_text.hpp"

namespace notifyctl {
namespace {

constexpr std::array column_titles{"CHANNEL", "PENDING", "IN FLIGHT", "RETRYING", "DELIVERED", "FAILED", "LEADS"};
constexpr std::string_view column_gap = "  ";

using Row = std::array<std::string, column_titles.size()>;

Row row_of(const notifyd::sdk::ChannelHealth& counts) {
  return {counts.channel.empty() ? "?" : printable_line(counts.channel),
          std::to_string(counts.pending),
          std::to_string(counts.in_flight),
          std::to_string(counts.retrying),
          std::to_string(counts.delivered),
          std::to_string(counts.failed),
          counts.leads ? "yes" : "no"};
}

std::string padding(std::size_t width, std::string_view cell) {
  return std::string(width - std::min(width, character_count(cell)), ' ');
}

std::string time_text(std::int64_t epoch_ms) {
  return notifyd::sdk::format_utc_timestamp(epoch_ms, notifyd::sdk::SecondFraction::none);
}

// The engine, the replicas and the leases, one item a line.
std::string cluster_text(const notifyd::sdk::ClusterView& cluster) {
  std::string text = "\nengine: " + printable_line(cluster.backend);
  if (cluster.schema_version != 0) text += ", schema version " + std::to_string(cluster.schema_version);
  text += ", lease ttl " + std::to_string(cluster.lease_ttl_ms) + " ms\n";
  for (const auto& connection : cluster.connections) {
    text += "  " + printable_line(connection.name) + ": " + printable_line(connection.state);
    if (connection.since_ms > 0) text += " since " + time_text(connection.since_ms);
    if (!connection.last_error.empty()) text += " (last error: " + printable_line(connection.last_error) + ')';
    text += '\n';
  }
  text += "replicas: " + std::to_string(cluster.replicas.size());
  if (cluster.as_of_ms > 0) text += " (as of " + time_text(cluster.as_of_ms) + ')';
  text += '\n';
  for (const auto& replica : cluster.replicas) {
    text += "  " + printable_line(replica.name) + (replica.self ? " (this one)" : "");
    if (!replica.host_group.empty()) text += "  group " + printable_line(replica.host_group);
    if (!replica.version.empty()) text += "  version " + printable_line(replica.version);
    if (replica.pid != 0) text += "  pid " + std::to_string(replica.pid);
    if (replica.started_at_ms > 0) text += "  started " + time_text(replica.started_at_ms);
    if (!replica.address.empty()) text += "  at " + printable_line(replica.address);
    text += '\n';
  }
  if (cluster.leases.empty()) return text + "leases: none held\n";
  text += "leases:\n";
  for (const auto& lease : cluster.leases) {
    text += "  " + printable_line(lease.name) + "  held by " + printable_line(lease.holder) +
            (lease.holder == cluster.replica ? " (this one)" : "") + "  epoch " + std::to_string(lease.epoch);
    if (lease.expires_at_ms > 0) text += "  until " + time_text(lease.expires_at_ms);
    text += '\n';
  }
  return text;
}

}  // namespace

std::string health_text(const HealthReport& report) {
  const std::string status = report.status.empty() ? std::string("unknown") : printable_line(report.status);
  std::string text = "status: " + status + '\n';
  const std::string cluster = report.cluster ? cluster_text(*report.cluster) : std::string();
  if (report.channels.empty()) return text + "no channels\n" + cluster;

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
  return text + cluster;
}

}  // namespace notifyctl
