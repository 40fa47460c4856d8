#include "history_text.hpp"

#include <algorithm>
#include <cctype>

#include "notifyd/sdk/utc_time.hpp"
#include "terminal_text.hpp"

namespace notifyctl {
namespace {

constexpr std::string_view summary_separator = " \xE2\x80\x94 ";
constexpr std::string_view ellipsis = "\xE2\x80\xA6";
constexpr std::size_t error_width = 100;

std::string header_line(const notifyd::sdk::Notification& notification) {
  std::string line = notification.id != 0 ? "#" + std::to_string(notification.id) : "#?";
  if (notification.created_at_ms > 0) {
    line += "  " + notifyd::sdk::format_utc_timestamp(notification.created_at_ms, notifyd::sdk::SecondFraction::milliseconds);
  }
  if (!notification.source.empty()) line += "  from " + printable_line(notification.source);
  if (!notification.user.empty()) line += "  to " + printable_line(notification.user);
  if (notification.priority != notifyd::sdk::default_priority) {
    line += "  priority " + std::string(notifyd::sdk::priority_name(notification.priority));
  }
  if (!notification.tags.empty()) {
    std::string tags;
    for (const auto& tag : notification.tags) tags += (tags.empty() ? "" : ", ") + printable_line(tag);
    line += "  [" + tags + "]";
  }
  if (!notification.image_path.empty()) line += "  (with image)";
  return line;
}

// `text` as one shell word.
std::string shell_word(std::string_view text) {
  const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '/' || c == ':' || c == '=' || c >= 0x80;
  });
  if (plain) return std::string(text);
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string summary_line(const notifyd::sdk::Notification& notification) {
  const std::string_view message_line = first_line(notification.message);
  const bool message_continues =
      notification.message.find_first_not_of("\r\n", message_line.size()) != std::string::npos;
  std::string summary = printable_line(first_line(notification.title));
  if (!summary.empty() && !message_line.empty()) summary += summary_separator;
  summary += printable_line(message_line);
  if (summary.empty()) summary = "(no text)";
  if (message_continues) summary += ellipsis;
  return truncate_characters(summary, history_summary_width);
}

std::string attempts_text(std::uint64_t attempts) {
  return std::to_string(attempts) + (attempts == 1 ? " attempt" : " attempts");
}

}  // namespace

std::string delivery_line(const notifyd::sdk::DeliveryRecord& delivery) {
  std::string line = (delivery.channel.empty() ? "?" : printable_line(delivery.channel)) + ": " +
                     (delivery.state.empty() ? "unknown" : printable_line(delivery.state));
  std::string details;
  if (delivery.state == "delivered") {
    if (delivery.attempts > 1) details = "after " + attempts_text(delivery.attempts);
  } else {
    if (delivery.attempts > 0) details = attempts_text(delivery.attempts);
    if (!delivery.last_error.empty()) {
      if (!details.empty()) details += ", ";
      details += "last error: " + truncate_characters(printable_line(delivery.last_error), error_width);
    }
  }
  if (!details.empty()) line += " (" + details + ")";
  return line;
}

std::string history_filter_options(std::optional<notifyd::sdk::Priority> min_priority, std::string_view tag) {
  std::string options;
  if (min_priority) options += " --min-priority " + std::string(notifyd::sdk::priority_name(*min_priority));
  if (!tag.empty()) options += " --tag " + printable_line(shell_word(tag));
  return options;
}

std::string history_text(const HistoryPage& page, std::string_view filter_options) {
  if (page.notifications.empty()) return "no notifications\n";
  std::string text;
  for (const notifyd::sdk::HistoryEntry& entry : page.notifications) {
    if (!text.empty()) text += '\n';
    text += header_line(entry.notification) + '\n';
    text += "  " + summary_line(entry.notification) + '\n';
    if (entry.deliveries.empty()) text += "  no deliveries\n";
    for (const notifyd::sdk::DeliveryRecord& delivery : entry.deliveries) text += "  " + delivery_line(delivery) + '\n';
  }
  if (page.next_before) {
    text += "\nolder notifications: notifyctl history --before " + std::to_string(*page.next_before) +
            std::string(filter_options) + '\n';
  }
  return text;
}

}  // namespace notifyctl
