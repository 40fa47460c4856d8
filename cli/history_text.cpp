#include "history_text.hpp"

#include "terminal_text.hpp"

namespace notifyctl {
namespace {

constexpr std::string_view summary_separator = " \xE2\x80\x94 ";
constexpr std::string_view ellipsis = "\xE2\x80\xA6";
constexpr std::size_t error_width = 100;

std::string header_line(const HistoryNotification& notification) {
  std::string line = notification.id ? "#" + std::to_string(*notification.id) : "#?";
  if (!notification.created_at.empty()) line += "  " + printable_line(notification.created_at);
  if (!notification.source.empty()) line += "  from " + printable_line(notification.source);
  if (!notification.user.empty()) line += "  to " + printable_line(notification.user);
  if (notification.has_image) line += "  (with image)";
  return line;
}

std::string summary_line(const HistoryNotification& notification) {
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

std::string delivery_line(const DeliveryState& delivery) {
  std::string line = (delivery.channel.empty() ? "?" : printable_line(delivery.channel)) + ": " +
                     (delivery.state.empty() ? "unknown" : printable_line(delivery.state));
  std::string details;
  if (delivery.state == "delivered") {
    if (delivery.attempts && *delivery.attempts > 1) details = "after " + attempts_text(*delivery.attempts);
  } else {
    if (delivery.attempts && *delivery.attempts > 0) details = attempts_text(*delivery.attempts);
    if (!delivery.last_error.empty()) {
      if (!details.empty()) details += ", ";
      details += "last error: " + truncate_characters(printable_line(delivery.last_error), error_width);
    }
  }
  if (!details.empty()) line += " (" + details + ")";
  return line;
}

std::string history_text(const HistoryPage& page) {
  if (page.notifications.empty()) return "no notifications\n";
  std::string text;
  for (const HistoryNotification& notification : page.notifications) {
    if (!text.empty()) text += '\n';
    text += header_line(notification) + '\n';
    text += "  " + summary_line(notification) + '\n';
    if (notification.deliveries.empty()) text += "  no deliveries\n";
    for (const DeliveryState& delivery : notification.deliveries) text += "  " + delivery_line(delivery) + '\n';
  }
  if (page.next_before) {
    text += "\nolder notifications: notifyctl history --before " + std::to_string(*page.next_before) + '\n';
  }
  return text;
}

}  // namespace notifyctl
