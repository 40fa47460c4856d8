#include "token_route.hpp"

#include <rapidjson/document.h>

#include "jwt.hpp"
#include "notifyd/sdk/api/account_codecs.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/user_name.hpp"
#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::websocket {

std::string host_name_of(std::string_view header) {
  std::string_view host = header;
  if (host.starts_with('[')) {
    const auto end = host.find(']');
    if (end == std::string_view::npos) return {};
    host = host.substr(1, end - 1);
    for (const char c : host) {
      const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex && c != ':' && c != '.') return {};
    }
    return std::string(host);
  }
  host = host.substr(0, host.find(':'));
  if (host.empty() || host.size() > 253) return {};
  for (const char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return {};
  }
  return std::string(host);
}

TokenAnswer answer_token_request(const sdk::HttpRequest& request, const WebSocketSettings& settings,
                                 std::int64_t now_ms) {
  const auto refuse = [](unsigned status, std::string_view message) {
    return TokenAnswer{sdk::HttpResponse::error(status, message), std::nullopt};
  };
  if (request.caller.user.empty()) return refuse(401, "log in first");
  if (request.body.size() > max_token_request_bytes) return refuse(413, "request body too large");

  std::string user = request.caller.user;
  const bool blank = request.body.find_first_not_of(" \t\r\n") == std::string::npos;
  if (!blank) {
    rapidjson::Document body;
    if (!sdk::parse_json(request.body, body) || !body.IsObject()) return refuse(400, "the body must be a JSON object");
    if (const auto field = body.FindMember("user"); field != body.MemberEnd()) {
      if (!field->value.IsString()) return refuse(400, "`user` must be a string");
      user.assign(field->value.GetString(), field->value.GetStringLength());
    }
  }
  if (!sdk::is_valid_user_name(user)) return refuse(400, "`user` must be a user name");
  if (!request.caller.may_act_for(user)) return refuse(403, "you may only ask for your own desktop token");
  if (settings.jwt_secret.empty()) return refuse(503, "desktop push is not configured (no jwt_secret)");

  const std::int64_t now = now_ms / 1000;
  const std::int64_t expires_at = now + std::chrono::duration_cast<std::chrono::seconds>(settings.token_ttl).count();
  const std::string token = issue_jwt(user, now, expires_at, settings.jwt_secret);
  const std::string url = desktop_url(settings, host_name_of(request.header("host")));
  const std::string expiry = sdk::format_utc_timestamp(expires_at * 1000, sdk::SecondFraction::milliseconds);
  std::string body = sdk::api::to_json(sdk::api::DesktopToken{token, user, expiry, url});
  return TokenAnswer{sdk::HttpResponse::json(200, std::move(body)), IssuedToken{std::move(user), expires_at}};
}

sdk::HttpResponse answer_status_request(const sdk::HttpRequest& request, bool configured) {
  if (request.caller.user.empty()) return sdk::HttpResponse::error(401, "login required");
  return sdk::HttpResponse::json(200, configured ? R"({"configured":true})" : R"({"configured":false})");
}

}  // namespace notifyd::websocket
