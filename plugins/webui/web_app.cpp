#include "web_app.hpp"

#include <atomic>
#include <exception>
#include <memory>

#include "access_policy.hpp"
#include "cookies.hpp"
#include "notifyd/sdk/http/request_target.hpp"
#include "page_layout.hpp"
#include "random_token.hpp"
#include "return_path.hpp"
#include "security_headers.hpp"
#include "sign_in_pages.hpp"

namespace notifyd::webui {
namespace {

sdk::HttpResponse refusal(Verdict verdict) {
  switch (verdict) {
    case Verdict::redirect_to_login: return redirect("/login");
    case Verdict::unauthorized: return sdk::HttpResponse::error(401, "sign in first");
    case Verdict::csrf_refused: return sdk::HttpResponse::error(403, "missing or wrong CSRF token");
    case Verdict::cross_origin: return sdk::HttpResponse::error(403, "cross-origin request refused");
    case Verdict::serve: break;
  }
  return sdk::HttpResponse::error(500, "internal error");
}

}  // namespace

std::string csrf_token_of(const sdk::HttpRequest& request) {
  if (const std::string_view header = request.header("x-csrf-token"); !header.empty()) return std::string(header);
  if (!request.header("content-type").starts_with("application/x-www-form-urlencoded")) return {};
  const auto fields = sdk::http::parse_form(request.body);
  if (!fields) return {};
  const auto it = fields->find("csrf_token");
  return it == fields->end() ? std::string() : it->second;
}

WebApp::WebApp(sdk::Host& host, const WebSettings& settings, SessionStore& sessions, LoginLinks& links,
               ApiTokens& tokens)
    : host_(host), settings_(settings), sessions_(sessions), routes_(host, settings, sessions, links, tokens) {}

void WebApp::handle(const PeerInfo& peer, sdk::HttpRequest request, sdk::Responder respond) const noexcept {
  // Every answer, from any handler, leaves with the security headers.
  const bool tls = peer.tls;
  auto answered = std::make_shared<std::atomic<bool>>(false);
  const sdk::Responder finish = [respond = std::move(respond), tls, answered](sdk::HttpResponse response) {
    if (answered->exchange(true)) return;
    add_security_headers(response, tls);
    respond(std::move(response));
  };
  try {
    dispatch(peer, std::move(request), finish);
  } catch (const std::exception& e) {
    host_.log().error("request failed: ", e.what());
    finish(sdk::HttpResponse::error(500, "internal error"));
  } catch (...) {
    host_.log().error("request failed with an unknown exception");
    finish(sdk::HttpResponse::error(500, "internal error"));
  }
}

void WebApp::dispatch(const PeerInfo& peer, sdk::HttpRequest request, const sdk::Responder& respond) const {
  // A page elsewhere must not reach a dashboard that trusts the connection
  // itself through the browser (DNS rebinding): such a dashboard answers only
  // to localhost, or to its public_url.
  if ((settings_.auth == AuthMode::none || settings_.auth == AuthMode::peer) &&
      !is_loopback_host(request.header("host")) && !is_public_host(request.header("host"), settings_.public_url)) {
    return respond(sdk::HttpResponse::error(403, "this dashboard answers only to localhost"));
  }
  Identity identity = identify_caller(settings_, sessions_, peer, request);
  if (!identity.unavailable.empty()) return respond(sign_ins_unavailable(host_.log(), identity.unavailable));
  if (!identity.ignored.empty() && host_.log().enabled(sdk::LogLevel::info)) {
    host_.log().info(request.method, " ", request.path, ": ", identity.ignored);
  }

  const auto own = routes_.find(request.method, request.path);
  sdk::RouteRegistry::Match registered;
  Area area = own.area;
  if (!own.entry && !own.path_known) {
    registered = host_.routes().find(sdk::surface_web, request.method, request.path);
    area = registered.route && registered.route->public_access ? Area::open
           : is_api_path(request.path)                        ? Area::api
                                                              : Area::page;
  }

  AccessFacts facts;
  facts.method = request.method;
  facts.area = area;
  facts.signed_in = !identity.user.empty();
  facts.has_session = identity.session.has_value();
  facts.csrf_ok = identity.session && same_secret(csrf_token_of(request), identity.session->csrf_token);
  facts.same_origin = is_same_origin(request.header("origin"), request.header("host"), request.header("sec-fetch-site"));
  if (const Verdict verdict = decide_access(facts); verdict != Verdict::serve) {
    if (verdict == Verdict::csrf_refused || verdict == Verdict::cross_origin) {
      host_.log().info(request.method, " ", request.path, " refused for ", identity.user.empty() ? "-" : identity.user,
                       ": ", verdict == Verdict::csrf_refused ? "no valid CSRF token" : "cross-origin");
    }
    auto response = refusal(verdict);
    // The sign-in page then leads back to the page asked for.
    if (verdict == Verdict::redirect_to_login && settings_.auth == AuthMode::link) {
      if (const auto back = page_return_path(request)) {
        response.headers.emplace_back("Set-Cookie", return_cookie(*back, identity.secure));
      }
    }
    return respond(std::move(response));
  }

  request.caller.user = identity.user;
  request.caller.admin = !identity.user.empty() && host_.is_admin(identity.user);

  // A page opened with a known user but no session of theirs (demo mode, a
  // proxy's user) gets one: its CSRF token is what lets the page change things.
  sdk::Responder answer = respond;
  if (area == Area::page && request.method == "GET" && facts.signed_in && !identity.session &&
      settings_.auth != AuthMode::link) {
    auto opened = sessions_.create(identity.user);
    if (!opened) return respond(sign_ins_unavailable(host_.log(), opened.error()));
    identity.session = std::move(opened).value();
    const auto max_age = std::chrono::duration_cast<std::chrono::seconds>(sessions_.ttl());
    std::string cookie = session_cookie(identity.session->id, identity.secure, max_age);
    answer = [respond, cookie = std::move(cookie)](sdk::HttpResponse response) {
      response.headers.emplace_back("Set-Cookie", cookie);
      respond(std::move(response));
    };
  }

  if (own.entry) return routes_.serve(own, DashboardRequest{std::move(request), std::move(identity)}, answer);
  if (registered.route) {
    const sdk::RouteHandler handler = registered.route->handler;
    request.path_params = std::move(registered.path_params);
    return handler(std::move(request), answer);
  }
  if (own.path_known || registered.path_known) return answer(sdk::HttpResponse::error(405, "method not allowed"));
  if (area == Area::page) {
    PageFrame frame;
    frame.title = "Not found";
    frame.user = identity.user;
    if (identity.session) frame.csrf_token = identity.session->csrf_token;
    frame.auth = settings_.auth;
    frame.version = host_.daemon().version;
    return answer(html_response(404, render_page(frame, render_error_page(404, "Not found"))));
  }
  answer(sdk::HttpResponse::error(404, "not found"));
}

}  // namespace notifyd::webui
