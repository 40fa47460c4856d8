#include "console_format.hpp"

#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::console {

std::string format_text(const sdk::Notification& n) {
  std::string out = "── notification " + std::to_string(n.id) + " for " + n.user;
  if (!n.source.empty()) out += " from " + n.source;
  out += " at " + sdk::format_utc_timestamp(n.created_at_ms, sdk::SecondFraction::none) + "\n";
  if (!n.title.empty()) out += "   " + n.title + "\n";
  std::size_t start = 0;
  while (start < n.message.size()) {
    const auto end = n.message.find('\n', start);
    out += "   " + n.message.substr(start, end == std::string::npos ? std::string::npos : end - start) + "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (!n.image_path.empty()) out += "   [image " + n.image_path + "]\n";
  return out;
}

std::string format_json_line(const sdk::Notification& n) {
  std::string out =
      "{\"id\":" + std::to_string(n.id) + ",\"user\":" + sdk::json_quote(n.user) +
      ",\"source\":" + sdk::json_quote(n.source) + ",\"title\":" + sdk::json_quote(n.title) +
      ",\"message\":" + sdk::json_quote(n.message) + ",\"image\":" + sdk::json_quote(n.image_path) +
      ",\"created_at\":" + sdk::json_quote(sdk::format_utc_timestamp(n.created_at_ms, sdk::SecondFraction::none)) +
      "}\n";
  return out;
}

}  // namespace notifyd::console
