#include "builtin_routes.hpp"

#include <optional>
#include <utility>

#include "history_json.hpp"
#include "notifyd/sdk/api/send_requests.hpp"

namespace notifyd::socket_api {

using sdk::api::parse_notify_body;
using sdk::api::parse_send_body;
using sdk::api::parse_send_photo_body;
using sdk::api::PhotoSend;
using sdk::api::publish_response;
using sdk::api::refuse_unless_may_act_for;

BuiltinRoutes::BuiltinRoutes(sdk::NotificationService& notifications, const sdk::Coordination& coordination,
                             PhotoPolicy photos, std::size_t history_page_bytes)
    : notifications_(notifications),
      coordination_(coordination),
      photos_(std::move(photos)),
      history_page_bytes_(history_page_bytes) {}

const BuiltinRoutes::Entry* BuiltinRoutes::table(std::size_t& size) noexcept {
  static const Entry entries[] = {
      {"GET", "/health", &BuiltinRoutes::health},
      {"POST", "/send", &BuiltinRoutes::send},
      {"POST", "/send_photo", &BuiltinRoutes::send_photo},
      {"POST", "/v1/notify", &BuiltinRoutes::notify},
      {"GET", "/v1/history", &BuiltinRoutes::history},
      {"GET", "/v1/health", &BuiltinRoutes::channel_health},
  };
  size = std::size(entries);
  return entries;
}

BuiltinRoutes::Match BuiltinRoutes::find(std::string_view method, std::string_view path) const noexcept {
  std::size_t size = 0;
  const Entry* entries = table(size);
  Match match;
  for (std::size_t i = 0; i < size; ++i) {
    if (entries[i].path != path) continue;
    if (entries[i].method == method) {
      match.handler = entries[i].handler;
      return match;
    }
    match.path_known = true;
    match.allow = entries[i].method;
  }
  return match;
}

void BuiltinRoutes::serve(const Match& match, sdk::HttpRequest request, const sdk::http::PeerCredentials& peer,
                          sdk::Responder respond) const {
  (this->*match.handler)(request, peer, respond);
}

void BuiltinRoutes::health(sdk::HttpRequest&, const sdk::http::PeerCredentials&, sdk::Responder& respond) const {
  respond(sdk::HttpResponse::json(200, R"({"status":"ok"})"));
}

void BuiltinRoutes::send(sdk::HttpRequest& request, const sdk::http::PeerCredentials&, sdk::Responder& respond) const {
  auto parsed = parse_send_body(request.body);
  if (!parsed) return respond(std::move(parsed).error());
  if (auto refusal = refuse_unless_may_act_for(request.caller, parsed.value().notification.user)) {
    return respond(std::move(*refusal));
  }
  publish(std::move(parsed).value(), respond);
}

void BuiltinRoutes::send_photo(sdk::HttpRequest& request, const sdk::http::PeerCredentials& peer, sdk::Responder& respond) const {
  auto parsed = parse_send_photo_body(request.body);
  if (!parsed) return respond(std::move(parsed).error());
  PhotoSend& send = parsed.value();
  if (auto refusal = refuse_unless_may_act_for(request.caller, send.user)) return respond(std::move(*refusal));

  auto photo = load_photo(send.photo_path, photos_, peer);
  if (!photo) return respond(std::move(photo).error());

  sdk::PublishRequest publish_request;
  auto& notification = publish_request.notification;
  notification.user = std::move(send.user);
  notification.message = std::move(send.caption);
  notification.format = send.format;
  notification.priority = send.priority;
  notification.tags = std::move(send.tags);
  notification.source = "api";
  notification.image_type = photo.value().type;
  publish_request.image = sdk::ImageUpload{std::move(photo.value().bytes), photo.value().type};
  publish(std::move(publish_request), respond);
}

void BuiltinRoutes::notify(sdk::HttpRequest& request, const sdk::http::PeerCredentials&, sdk::Responder& respond) const {
  auto parsed = parse_notify_body(request.body, photos_.max_bytes);
  if (!parsed) return respond(std::move(parsed).error());
  if (auto refusal = refuse_unless_may_act_for(request.caller, parsed.value().notification.user)) {
    return respond(std::move(*refusal));
  }
  publish(std::move(parsed).value(), respond);
}

void BuiltinRoutes::history(sdk::HttpRequest& request, const sdk::http::PeerCredentials&, sdk::Responder& respond) const {
  auto query = parse_history_query(request);
  if (!query) return respond(std::move(query).error());
  auto page = render_history_page(query.value(), history_page_bytes_,
                                  [this](const sdk::HistoryQuery& batch) { return notifications_.history(batch); });
  if (!page) return respond(sdk::HttpResponse::error(503, page.error().empty() ? "history unavailable" : page.error()));
  respond(sdk::HttpResponse::json(200, std::move(page).value()));
}

void BuiltinRoutes::channel_health(sdk::HttpRequest&, const sdk::http::PeerCredentials&, sdk::Responder& respond) const {
  respond(sdk::HttpResponse::json(200, render_health(notifications_.health(), coordination_.view())));
}

void BuiltinRoutes::publish(sdk::PublishRequest request, sdk::Responder& respond) const {
  std::string user = request.notification.user;
  notifications_.publish(std::move(request), [respond, user = std::move(user)](sdk::PublishOutcome outcome) {
    // Runs on a pipeline thread; the responder posts back to the connection.
    try {
      respond(publish_response(outcome, user));
    } catch (...) {
      respond(sdk::HttpResponse{500, "application/json", R"({"error":"internal error"})", {}});
    }
  });
}

}  // namespace notifyd::socket_api
