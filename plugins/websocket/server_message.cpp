#include "server_message.hpp"

#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::websocket {

std::string auth_ok_message(std::string_view user, const std::optional<ReplaySummary>& replay) {
  std::string text = R"({"type":"auth_ok","username":)" + sdk::json_quote(user);
  if (replay) {
    text += R"(,"replayed":)" + std::to_string(replay->count);
    text += replay->truncated ? R"(,"replay_truncated":true)" : R"(,"replay_truncated":false)";
  }
  text += '}';
  return text;
}

std::string auth_error_message(std::string_view message, std::string_view reason) {
  std::string text = R"({"type":"auth_error","message":)" + sdk::json_quote(message);
  if (!reason.empty()) text += R"(,"reason":)" + sdk::json_quote(reason);
  text += '}';
  return text;
}

std::string ping_message() { return R"({"type":"ping"})"; }

std::string pong_message() { return R"({"type":"pong"})"; }

std::string notification_message(const sdk::Notification& n, std::string_view image_base_url) {
  std::string text;
  text.reserve(160 + n.title.size() + n.message.size() + n.source.size() + image_base_url.size());
  text += R"({"type":"notification","id":")";
  text += std::to_string(n.id);
  text += R"(","title":)";
  text += sdk::json_quote(n.title);
  text += R"(,"message":)";
  text += sdk::json_quote(n.message);
  text += R"(,"script":)";
  text += sdk::json_quote(n.source);
  text += R"(,"timestamp":")";
  text += sdk::format_utc_timestamp(n.created_at_ms, sdk::SecondFraction::none);
  text += R"(","image_url":)";
  if (n.image_path.empty()) {
    text += "null";
  } else {
    while (!image_base_url.empty() && image_base_url.back() == '/') image_base_url.remove_suffix(1);
    text += sdk::json_quote(std::string(image_base_url) + "/api/notifications/images/" + std::to_string(n.id));
  }
  text += R"(,"priority":)";
  text += std::to_string(static_cast<int>(n.priority));
  text += R"(,"tags":[)";
  for (std::size_t i = 0; i < n.tags.size(); ++i) {
    if (i > 0) text += ',';
    text += sdk::json_quote(n.tags[i]);
  }
  text += "]}";
  return text;
}

}  // namespace notifyd::websocket
