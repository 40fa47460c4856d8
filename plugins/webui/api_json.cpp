#include "api_json.hpp"

#include <algorithm>
#include <limits>

#include "history_page.hpp"
#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::webui {
namespace {

std::string quote(std::string_view text) { return sdk::json_quote(text); }

std::string boolean(bool value) { return value ? "true" : "false"; }

std::string delivery_json(const sdk::DeliveryRecord& delivery) {
  return "{\"channel\":" + quote(delivery.channel) + ",\"state\":" + quote(delivery.state) +
         ",\"attempts\":" + std::to_string(delivery.attempts) + ",\"last_error\":" + quote(delivery.last_error) +
         ",\"updated_at\":" +
         (delivery.updated_at_ms > 0
              ? quote(sdk::format_utc_timestamp(delivery.updated_at_ms, sdk::SecondFraction::milliseconds))
              : "null") +
         "}";
}

std::string entry_json(const sdk::HistoryEntry& entry) {
  const auto& n = entry.notification;
  std::string json =
      "{\"id\":" + std::to_string(n.id) + ",\"title\":" + quote(n.title) + ",\"message\":" + quote(n.message) +
      ",\"format\":" + quote(sdk::text_format_name(n.format)) + ",\"source\":" + quote(n.source) +
      ",\"created_at\":" + quote(sdk::format_utc_timestamp(n.created_at_ms, sdk::SecondFraction::milliseconds)) +
      ",\"image_url\":" + (n.image_path.empty() ? "null" : quote(image_url(n.id))) +
      ",\"priority\":" + std::to_string(static_cast<int>(n.priority)) + ",\"tags\":[";
  for (std::size_t i = 0; i < n.tags.size(); ++i) json += (i > 0 ? "," : "") + quote(n.tags[i]);
  json += "],\"deliveries\":[";
  for (std::size_t i = 0; i < entry.deliveries.size(); ++i) {
    if (i > 0) json += ",";
    json += delivery_json(entry.deliveries[i]);
  }
  return json + "]}";
}

}  // namespace

std::string render_me_json(const MeFacts& me) {
  return "{\"user\":" + quote(me.user) + ",\"admin\":" + boolean(me.admin) + ",\"auth\":" + quote(me.auth) +
         ",\"csrf_token\":" + (me.csrf_token.empty() ? "null" : quote(me.csrf_token)) + ",\"session_expires_at\":" +
         (me.session_expires_ms > 0
              ? quote(sdk::format_utc_timestamp(me.session_expires_ms, sdk::SecondFraction::milliseconds))
              : "null") +
         ",\"telegram_configured\":" + boolean(me.telegram_configured) +
         ",\"desktop_configured\":" + boolean(me.desktop_configured) +
         ",\"telegram_bot\":" + (me.telegram_bot.empty() ? "null" : quote(me.telegram_bot)) + "}";
}

std::string render_notifications_json(const std::vector<sdk::HistoryEntry>& entries, std::uint32_t limit) {
  std::string json = "{\"notifications\":[";
  std::uint64_t oldest = std::numeric_limits<std::uint64_t>::max();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) json += ",";
    json += entry_json(entries[i]);
    oldest = std::min(oldest, entries[i].notification.id);
  }
  json += "],\"next_before\":";
  json += !entries.empty() && entries.size() >= limit ? std::to_string(oldest) : "null";
  return json + "}";
}

}  // namespace notifyd::webui
