#include "send_text.hpp"

#include "terminal_text.hpp"

namespace notifyctl {

std::string send_text(const SendReceipt& receipt, const std::string& requested_user) {
  std::string text = "queued notification";
  if (receipt.id) text += " " + std::to_string(*receipt.id);
  const std::string& user = receipt.user.empty() ? requested_user : receipt.user;
  if (!user.empty()) text += " for " + printable_line(user);
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
