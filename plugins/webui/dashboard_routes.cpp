#include "dashboard_routes.hpp"

#include <charconv>
#include <optional>

#include "api_json.hpp"
#include "briefly_unavailable.hpp"
#include "channel_setup.hpp"
#include "checks_page.hpp"
#include "cookies.hpp"
#include "desktop_page.hpp"
#include "embedded_assets.hpp"
#include "history_page.hpp"
#include "notifyd/sdk/epoch_time.hpp"
#include "notifyd/sdk/history_filter.hpp"
#include "notifyd/sdk/http/request_target.hpp"
#include "notifyd/sdk/stored_image.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "page_layout.hpp"
#include "return_path.hpp"
#include "route_call.hpp"
#include "sign_in_pages.hpp"
#include "telegram_page.hpp"

namespace notifyd::webui {
namespace {


constexpr std::uint32_t default_api_page = 20;
constexpr std::uint32_t max_api_page = 100;
const std::string link_token_field = "token";

// The single path segment after `prefix/`, or nullopt.
std::optional<std::string_view> segment_after(std::string_view prefix, std::string_view path) {
  if (path.size() <= prefix.size() + 1 || !path.starts_with(prefix) || path[prefix.size()] != '/') return std::nullopt;
  const std::string_view rest = path.substr(prefix.size() + 1);
  if (rest.find('/') != std::string_view::npos) return std::nullopt;
  return rest;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || text.size() > 20 || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

PageFrame frame_for(const DashboardRequest& request, const WebSettings& settings, const sdk::Host& host,
                    std::string title, Section section) {
  PageFrame frame;
  frame.title = std::move(title);
  frame.section = section;
  frame.user = request.identity.user;
  if (request.identity.session) frame.csrf_token = request.identity.session->csrf_token;
  frame.auth = settings.auth;
  frame.version = host.daemon().version;
  return frame;
}

PageFrame anonymous_frame(const WebSettings& settings, const sdk::Host& host, std::string title) {
  PageFrame frame;
  frame.title = std::move(title);
  frame.auth = settings.auth;
  frame.version = host.daemon().version;
  return frame;
}

bool is_form(const sdk::HttpRequest& request) {
  return request.header("content-type").starts_with("application/x-www-form-urlencoded");
}

TokensView refused_view(std::string problem) {
  TokensView view;
  view.problem = std::move(problem);
  return view;
}

bool etag_matches(const sdk::HttpRequest& request, std::string_view etag) {
  const std::string_view given = request.header("if-none-match");
  return !given.empty() && given.find(etag) != std::string_view::npos;
}

}  // namespace

sdk::HttpResponse html_response(unsigned status, std::string body) {
  return {status, "text/html; charset=utf-8", std::move(body), {}};
}

sdk::HttpResponse redirect(std::string location) {
  sdk::HttpResponse response{303, "text/plain; charset=utf-8", "See " + location + "\n", {}};
  response.headers.emplace_back("Location", std::move(location));
  return response;
}

sdk::HttpResponse sign_ins_unavailable(sdk::Logger& log, std::string_view why) {
  return briefly_unavailable(log, why, "sign-ins are");
}

DashboardRoutes::DashboardRoutes(sdk::Host& host, const WebSettings& settings, SessionStore& sessions,
                                 LoginLinks& links, ApiTokens& tokens)
    : host_(host),
      settings_(settings),
      sessions_(sessions),
      links_(links),
      tokens_(tokens),
      publisher_(host, tokens, settings.publish_rate, settings.image_max_bytes) {}

std::span<const DashboardRoutes::Entry> DashboardRoutes::table() noexcept {
  using R = DashboardRoutes;
  static constexpr Entry routes[] = {
      {"GET", "/", false, Area::page, &R::telegram_page},
      {"GET", "/checks", false, Area::page, &R::checks_page},
      {"GET", "/history", false, Area::page, &R::history_page},
      {"GET", "/desktop", false, Area::page, &R::desktop_page},
      {"GET", "/tokens", false, Area::page, &R::tokens_page},
      {"POST", "/tokens", false, Area::page, &R::token_create},
      {"POST", "/tokens/revoke", false, Area::page, &R::token_revoke},
      {"POST", "/logout", false, Area::page, &R::logout},
      {"GET", "/login", false, Area::open, &R::login_page},
      {"GET", "/login/link", false, Area::open, &R::link_page},
      {"POST", "/login/link", false, Area::open, &R::link_redeem},
      {"GET", "/assets", true, Area::open, &R::asset},
      {"GET", "/healthz", false, Area::open, &R::health},
      {"GET", "/api/me", false, Area::api, &R::me},
      {"GET", "/api/notifications", false, Area::api, &R::notifications},
      {"GET", "/api/notifications/images", true, Area::api, &R::image},
      {"POST", "/v1/notify", false, Area::open, &R::publish},
  };
  return routes;
}

DashboardRoutes::Match DashboardRoutes::find(std::string_view method, std::string_view path) const {
  Match match;
  for (const auto& entry : table()) {
    std::optional<std::string_view> rest;
    if (entry.prefix) {
      rest = segment_after(entry.path, path);
      if (!rest) continue;
    } else if (entry.path != path) {
      continue;
    }
    match.area = entry.area;
    if (entry.method != method) {
      match.path_known = true;
      continue;
    }
    match.entry = &entry;
    match.rest = rest ? std::string(*rest) : std::string();
    return match;
  }
  return match;
}

void DashboardRoutes::serve(const Match& match, DashboardRequest request, sdk::Responder respond) const {
  if (match.entry->prefix) request.http.path_params = {match.rest};
  (this->*(match.entry->handler))(request, respond);
}

// ---- pages -----------------------------------------------------------------

void DashboardRoutes::telegram_page(DashboardRequest& request, sdk::Responder& respond) const {
  PageFrame frame = frame_for(request, settings_, host_, "Telegram", Section::telegram);
  const sdk::RouteRegistry* routes = &host_.routes();
  const sdk::Caller caller = request.http.caller;
  ask_channel_setup(*routes, caller, [routes, caller, respond, frame](ChannelSetup setup) {
    const auto show = [respond, frame](const TelegramCard& card) {
      respond(html_response(200, render_page(frame, render_telegram_page(card))));
    };
    if (setup.telegram != ChannelState::on) {
      TelegramCard card;
      if (setup.telegram == ChannelState::off) card.state = TelegramCard::State::off;
      return show(card);
    }
    const bool asked = call_web_route(*routes, "GET", "/api/telegram/status", caller,
                                      [show, setup](sdk::HttpResponse status) {
                                        TelegramCard card = telegram_card_from_status(status.status, status.body);
                                        card.bot_username = setup.bot_username;
                                        card.bot_url = setup.bot_url;
                                        show(card);
                                      });
    if (!asked) show(TelegramCard{});
  });
}

void DashboardRoutes::checks_page(DashboardRequest& request, sdk::Responder& respond) const {
  const std::string& user = request.identity.user;
  std::vector<CheckView> views;
  for (auto& status : host_.checks().checks(user)) {
    if (views.size() >= checks_shown) break;
    CheckView view;
    auto runs = host_.checks().runs(user, status.definition.name, recent_runs_shown);
    if (runs) view.runs = std::move(runs.value());
    view.status = std::move(status);
    views.push_back(std::move(view));
  }
  const PageFrame frame = frame_for(request, settings_, host_, "Checks", Section::checks);
  respond(html_response(200, render_page(frame, render_checks_page(views))));
}

void DashboardRoutes::history_page(DashboardRequest& request, sdk::Responder& respond) const {
  const PageFrame frame = frame_for(request, settings_, host_, "History", Section::history);
  HistoryView view;
  if (const auto before = request.http.param("before")) {
    const auto value = parse_unsigned(*before);
    if (!value) return respond(html_response(400, render_page(frame, render_error_page(400, "Bad page number"))));
    view.before_id = *value;
  }
  sdk::HistoryQuery query;
  query.user = request.identity.user;
  query.limit = history_page_size;
  query.before_id = view.before_id;
  if (auto filter = sdk::read_history_filter(request.http, query); !filter) {
    return respond(html_response(400, render_page(frame, render_error_page(400, "Bad filter: " + filter.message))));
  }
  view.min_priority = query.min_priority;
  view.tag = query.tag;
  auto entries = host_.notifications().history(query);
  if (!entries) {
    host_.log().warn("history of ", query.user, ": ", entries.error());
    return respond(html_response(503, render_page(frame, render_error_page(503, "History is unavailable"))));
  }
  view.entries = std::move(entries.value());
  if (view.entries.size() >= history_page_size) view.next_before = view.entries.back().notification.id;
  respond(html_response(200, render_page(frame, render_history_page(view))));
}

void DashboardRoutes::desktop_page(DashboardRequest& request, sdk::Responder& respond) const {
  const PageFrame frame = frame_for(request, settings_, host_, "Desktop app", Section::desktop);
  ask_channel_setup(host_.routes(), request.http.caller, [respond, frame](ChannelSetup setup) {
    const bool available = setup.desktop != ChannelState::absent;
    const bool set_up = setup.desktop == ChannelState::on;
    respond(html_response(200, render_page(frame, render_desktop_page(available, set_up))));
  });
}

// ---- signing in and out ------------------------------------------------------

void DashboardRoutes::login_page(DashboardRequest& request, sdk::Responder& respond) const {
  const auto return_to = requested_return_path(request.http, std::nullopt);
  if (!request.identity.user.empty()) return respond(redirect(return_to.value_or("/")));
  const bool signed_out = request.http.param("signed_out").has_value();
  const std::string shown = return_to.value_or("");
  auto response = html_response(200, render_page(anonymous_frame(settings_, host_, "Sign in"),
                                                 render_login_page(settings_.auth, signed_out,
                                                                   settings_.login_link_ttl, shown)));
  if (settings_.auth == AuthMode::link && request.http.param("next") && !shown.empty()) {
    response.headers.emplace_back("Set-Cookie", return_cookie(shown, request.identity.secure));
  }
  respond(std::move(response));
}

void DashboardRoutes::link_page(DashboardRequest& request, sdk::Responder& respond) const {
  const PageFrame frame = anonymous_frame(settings_, host_, "Sign in");
  if (settings_.auth != AuthMode::link) return respond(html_response(404, render_page(frame, render_error_page(404, "Not found"))));
  const std::string token(request.http.param(link_token_field).value_or(""));
  const auto peeked = links_.peek(token);
  if (!peeked) return respond(sign_ins_unavailable(host_.log(), peeked.error()));
  const auto& user = peeked.value();
  if (!user) return respond(html_response(400, render_page(frame, render_link_invalid())));
  const auto next = request.http.param("next");
  const std::string return_to = next ? safe_return_path(*next).value_or("") : "";
  respond(html_response(200, render_page(frame, render_link_confirmation(*user, token, return_to))));
}

void DashboardRoutes::link_redeem(DashboardRequest& request, sdk::Responder& respond) const {
  const PageFrame frame = anonymous_frame(settings_, host_, "Sign in");
  if (settings_.auth != AuthMode::link) return respond(html_response(404, render_page(frame, render_error_page(404, "Not found"))));
  std::optional<std::string> user;
  std::optional<std::string> next_field;
  if (is_form(request.http)) {
    if (const auto fields = sdk::http::parse_form(request.http.body)) {
      if (const auto it = fields->find(link_token_field); it != fields->end()) {
        auto redeemed = links_.redeem(it->second);
        if (!redeemed) return respond(sign_ins_unavailable(host_.log(), redeemed.error()));
        user = std::move(redeemed).value();
      }
      if (const auto it = fields->find("next"); it != fields->end()) next_field = it->second;
    }
  }
  if (!user) return respond(html_response(400, render_page(frame, render_link_invalid())));
  if (request.identity.session) {
    if (auto ended = sessions_.remove(request.identity.session->id); !ended) {
      return respond(sign_ins_unavailable(host_.log(), ended.error()));
    }
  }
  auto opened = sessions_.create(*user);
  if (!opened) return respond(sign_ins_unavailable(host_.log(), opened.error()));
  const LoginSession& session = opened.value();
  host_.log().info("signed in ", *user, " with a login link");
  const auto return_to = requested_return_path(request.http, next_field);
  auto response = redirect(return_to.value_or("/"));
  const auto max_age = std::chrono::duration_cast<std::chrono::seconds>(sessions_.ttl());
  response.headers.emplace_back("Set-Cookie", session_cookie(session.id, request.identity.secure, max_age));
  if (cookie_value(request.http.header("cookie"), return_cookie_name)) {
    response.headers.emplace_back("Set-Cookie", cleared_return_cookie(request.identity.secure));
  }
  respond(std::move(response));
}

void DashboardRoutes::logout(DashboardRequest& request, sdk::Responder& respond) const {
  // A logout that could not reach the shared keys must not look done.
  if (request.identity.session) {
    if (auto ended = sessions_.remove(request.identity.session->id); !ended) {
      return respond(sign_ins_unavailable(host_.log(), ended.error()));
    }
  }
  std::string next = "/login?signed_out=1";
  if (settings_.auth == AuthMode::none || settings_.auth == AuthMode::peer) next = "/";
  if (settings_.auth == AuthMode::proxy && !settings_.logout_url.empty()) next = settings_.logout_url;
  auto response = redirect(std::move(next));
  response.headers.emplace_back("Set-Cookie", cleared_session_cookie(request.identity.secure));
  respond(std::move(response));
}

// ---- files -------------------------------------------------------------------

void DashboardRoutes::asset(DashboardRequest& request, sdk::Responder& respond) const {
  const EmbeddedAsset* found = find_asset(request.http.path_params.front());
  if (!found) return respond(sdk::HttpResponse::error(404, "not found"));
  const std::string version(asset_version(*found));
  const std::string etag = "\"" + version + "\"";
  const bool pinned = request.http.param("v") == std::optional<std::string_view>(version);
  sdk::HttpResponse response{200, std::string(found->content_type), {}, {}};
  response.headers.emplace_back("Cache-Control", pinned ? "public, max-age=31536000, immutable" : "no-cache");
  response.headers.emplace_back("ETag", etag);
  if (etag_matches(request.http, etag)) {
    response.status = 304;
  } else {
    response.body = std::string(found->bytes);
  }
  respond(std::move(response));
}

void DashboardRoutes::health(DashboardRequest&, sdk::Responder& respond) const {
  respond(sdk::HttpResponse::json(200, R"({"status":"ok"})"));
}

// ---- JSON API ------------------------------------------------------------------

void DashboardRoutes::me(DashboardRequest& request, sdk::Responder& respond) const {
  MeFacts me;
  me.user = request.identity.user;
  me.admin = request.http.caller.admin;
  me.auth = std::string(auth_mode_name(settings_.auth));
  if (request.identity.session) {
    me.csrf_token = request.identity.session->csrf_token;
    me.session_expires_ms = sdk::epoch_ms_of(request.identity.session->expires);
  }
  ask_channel_setup(host_.routes(), request.http.caller, [respond, me](ChannelSetup setup) mutable {
    me.telegram_configured = setup.telegram == ChannelState::on;
    me.desktop_configured = setup.desktop == ChannelState::on;
    me.telegram_bot = setup.bot_username;
    respond(sdk::HttpResponse::json(200, render_me_json(me)));
  });
}

void DashboardRoutes::notifications(DashboardRequest& request, sdk::Responder& respond) const {
  sdk::HistoryQuery query;
  query.user = request.identity.user;
  query.limit = default_api_page;
  if (const auto limit = request.http.param("limit")) {
    const auto value = parse_unsigned(*limit);
    if (!value || *value == 0) return respond(sdk::HttpResponse::error(400, "limit must be 1 to 100"));
    query.limit = static_cast<std::uint32_t>(std::min<std::uint64_t>(*value, max_api_page));
  }
  if (const auto before = request.http.param("before")) {
    const auto value = parse_unsigned(*before);
    if (!value) return respond(sdk::HttpResponse::error(400, "before must be a notification id"));
    query.before_id = *value;
  }
  if (auto filter = sdk::read_history_filter(request.http, query); !filter) {
    return respond(sdk::HttpResponse::error(400, filter.message));
  }
  auto entries = host_.notifications().history(query);
  if (!entries) {
    host_.log().warn("history of ", query.user, ": ", entries.error());
    return respond(sdk::HttpResponse::error(503, "history is unavailable"));
  }
  respond(sdk::HttpResponse::json(200, render_notifications_json(entries.value(), query.limit)));
}

void DashboardRoutes::image(DashboardRequest& request, sdk::Responder& respond) const {
  const auto id = sdk::parse_notification_id(request.http.path_params.front());
  if (!id) return respond(sdk::HttpResponse::error(404, "no such image"));
  auto entry = host_.notifications().find(*id);
  // Someone else's notification and a missing one look the same.
  if (!entry || entry.value().notification.user != request.identity.user ||
      entry.value().notification.image_path.empty()) {
    return respond(sdk::HttpResponse::error(404, "no such image"));
  }
  const std::string etag = "\"n" + std::to_string(*id) + "\"";
  sdk::HttpResponse response{200, "application/octet-stream", {}, {}};
  response.headers.emplace_back("Cache-Control", "private, max-age=86400, immutable");
  response.headers.emplace_back("ETag", etag);
  if (etag_matches(request.http, etag)) {
    response.status = 304;
    return respond(std::move(response));
  }
  auto image = sdk::read_notification_image(entry.value().notification, settings_.image_max_bytes);
  if (!image) {
    host_.log().warn("image of notification ", *id, ": ", image.error());
    return respond(sdk::HttpResponse::error(404, "no such image"));
  }
  response.content_type = std::move(image.value().content_type);
  response.body = std::move(image.value().bytes);
  response.headers.emplace_back("Content-Disposition", "inline");
  respond(std::move(response));
}

// ---- publishing from other machines ----------------------------------------------

void DashboardRoutes::publish(DashboardRequest& request, sdk::Responder& respond) const {
  publisher_.serve(request.http, respond);
}

void DashboardRoutes::show_tokens(DashboardRequest& request, sdk::Responder& respond, unsigned status,
                                  TokensView view) const {
  const PageFrame frame = frame_for(request, settings_, host_, "API tokens", Section::tokens);
  auto tokens = tokens_.list(request.identity.user);
  if (!tokens) {
    host_.log().error(tokens.error());
    return respond(html_response(503, render_page(frame, render_error_page(503, "API tokens are unavailable"))));
  }
  view.tokens = std::move(tokens).value();
  view.csrf_token = frame.csrf_token;
  std::string base = settings_.public_url;
  if (base.empty()) base = std::string(settings_.tls() ? "https://" : "http://") + std::string(request.http.header("host"));
  view.notify_url = base + "/v1/notify";
  respond(html_response(status, render_page(frame, render_tokens_page(view))));
}

void DashboardRoutes::tokens_page(DashboardRequest& request, sdk::Responder& respond) const {
  show_tokens(request, respond, 200, {});
}

void DashboardRoutes::token_create(DashboardRequest& request, sdk::Responder& respond) const {
  TokensView view;
  const auto fields = is_form(request.http) ? sdk::http::parse_form(request.http.body) : std::nullopt;
  if (!fields) {
    view.problem = "The form could not be read; try again.";
    return show_tokens(request, respond, 400, std::move(view));
  }
  const auto field = [&](const char* name) {
    const auto it = fields->find(name);
    return it == fields->end() ? std::string() : it->second;
  };
  const std::string name = field("name");
  const auto expires = parse_token_expiry(field("expires"), sdk::now_epoch_ms());
  if (auto checked = check_token_name(name); !checked) {
    view.problem = checked.message;
  } else if (!expires) {
    view.problem = expires.error();
  }
  if (!view.problem.empty()) return show_tokens(request, respond, 400, std::move(view));
  auto issued = tokens_.create(request.identity.user, name, expires.value());
  if (!issued) {
    host_.log().error(issued.error());
    view.problem = "The token could not be kept; try again.";
    return show_tokens(request, respond, 503, std::move(view));
  }
  if (!issued.value()) {
    view.problem = "You have " + std::to_string(ApiTokens::max_per_user) + " tokens already: revoke one first.";
    return show_tokens(request, respond, 409, std::move(view));
  }
  host_.log().info("API token ", issued.value()->info.id, " made for ", request.identity.user, " on the dashboard");
  view.issued = std::move(issued).value();
  show_tokens(request, respond, 200, std::move(view));
}

void DashboardRoutes::token_revoke(DashboardRequest& request, sdk::Responder& respond) const {
  const auto fields = is_form(request.http) ? sdk::http::parse_form(request.http.body) : std::nullopt;
  std::string id;
  if (fields) {
    if (const auto it = fields->find("id"); it != fields->end()) id = it->second;
  }
  if (id.empty()) return show_tokens(request, respond, 400, refused_view("Which token? The form named none."));
  const auto revoked = tokens_.revoke(request.identity.user, id);
  if (!revoked) {
    host_.log().error(revoked.error());
    return show_tokens(request, respond, 503, refused_view("The token could not be revoked; try again."));
  }
  if (!revoked.value()) return show_tokens(request, respond, 404, refused_view("You have no such token."));
  host_.log().info("API token ", id, " of ", request.identity.user, " revoked on the dashboard");
  respond(redirect("/tokens"));
}

}  // namespace notifyd::webui
