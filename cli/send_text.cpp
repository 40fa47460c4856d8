#include "send_text.hpp"

#include "terminal_text.hpp"

namespace notifyctl {

std::string send_text(const notifyd::sdk::PublishOutcome& receipt, const std::string& requested_user) {
  std::string text = "queued notification";
  if (receipt.id != 0) text += " " + std::to_string(receipt.id);
  if (!requested_user.empty()) text += " for " + printable_line(requested_user);
  if (!receipt.channels.empty()) {
    text += " via ";
    for (std::size_t i = 0; i < receipt.channels.size(); ++i) {
      if (i > 0) text += ", ";
      text += printable_line(receipt.channels[i]);
    }
  }
  return text + '\n';
}

}  // namespace notifyctl
