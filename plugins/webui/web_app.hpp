#pragma once
// What happens to a request between the wire and a handler: identify the
// caller, apply the access rules, open a session when needed, dispatch to the
// dashboard's own routes or to a route another plugin registered for the
// web, and add the security headers to whatever comes back.

#include <string>

#include "api_tokens.hpp"
#include "caller_identity.hpp"
#include "dashboard_routes.hpp"
#include "login_links.hpp"
#include "notifyd/sdk/host.hpp"
#include "session_store.hpp"
#include "webui_settings.hpp"

namespace notifyd::webui {

/// The dashboard's request handling, independent of the transport. Shared
/// read-only by every connection; `handle` may run on many strands at once.
class WebApp {
 public:
  WebApp(sdk::Host& host, const WebSettings& settings, SessionStore& sessions, LoginLinks& links, ApiTokens& tokens);

  /// Answers `request` (decoded path and query, lower-case header names,
  /// empty caller) from `peer` through `respond`, exactly once, possibly
  /// later from another thread. Never throws.
  void handle(const PeerInfo& peer, sdk::HttpRequest request, sdk::Responder respond) const noexcept;

 private:
  void dispatch(const PeerInfo& peer, sdk::HttpRequest request, const sdk::Responder& respond) const;

  sdk::Host& host_;
  const WebSettings& settings_;
  SessionStore& sessions_;
  DashboardRoutes routes_;
};

/// The CSRF token a request carries: the `X-CSRF-Token` header, or the
/// `csrf_token` field of a form body.
std::string csrf_token_of(const sdk::HttpRequest& request);

}  // namespace notifyd::webui
