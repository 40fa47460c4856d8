#pragma once
// The dashboard's own routes: pages, sign-in, assets and the JSON API.

#include <span>
#include <string>
#include <string_view>

#include "access_policy.hpp"
#include "api_tokens.hpp"
#include "caller_identity.hpp"
#include "login_links.hpp"
#include "notifyd/sdk/host.hpp"
#include "notifyd/sdk/http.hpp"
#include "session_store.hpp"
#include "token_publisher.hpp"
#include "tokens_page.hpp"
#include "webui_settings.hpp"

namespace notifyd::webui {

/// The answer when the sessions or login links cannot be read or written
/// (the replicas' shared keys failed): 503, try again; `why` goes to `log`.
sdk::HttpResponse sign_ins_unavailable(sdk::Logger& log, std::string_view why);

/// A request as the dashboard's handlers see it, after the access rules passed.
struct DashboardRequest {
  sdk::HttpRequest http;  ///< `caller` is filled in
  Identity identity;      ///< `session` is the one in effect (it may have just been opened)
};

/// Finds and serves the dashboard's own routes. Shared read-only by every
/// connection; handlers run on the connection's strand and answer through
/// the responder, some later from another plugin's thread.
class DashboardRoutes {
 public:
  using Handler = void (DashboardRoutes::*)(DashboardRequest& request, sdk::Responder& respond) const;

  /// One route of the table.
  struct Entry {
    std::string_view method;
    std::string_view path;
    bool prefix;   ///< matches `path` + "/<one segment>"; the segment goes to `path_params`
    Area area;
    Handler handler;
  };

  /// What `find` answers.
  struct Match {
    const Entry* entry = nullptr;  ///< the route, or nullptr
    bool path_known = false;       ///< the path exists with another method (→ 405)
    Area area = Area::api;         ///< the path's area, also when only the path matched
    std::string rest;              ///< the segment after a prefix route's path
  };

  DashboardRoutes(sdk::Host& host, const WebSettings& settings, SessionStore& sessions, LoginLinks& links,
                  ApiTokens& tokens);

  /// The route for `method` and `path`.
  Match find(std::string_view method, std::string_view path) const;

  /// Runs a found route. May throw on allocation failure; the caller answers 500.
  void serve(const Match& match, DashboardRequest request, sdk::Responder respond) const;

 private:
  static std::span<const Entry> table() noexcept;

  void telegram_page(DashboardRequest& request, sdk::Responder& respond) const;
  void checks_page(DashboardRequest& request, sdk::Responder& respond) const;
  void history_page(DashboardRequest& request, sdk::Responder& respond) const;
  void desktop_page(DashboardRequest& request, sdk::Responder& respond) const;
  void login_page(DashboardRequest& request, sdk::Responder& respond) const;
  void link_page(DashboardRequest& request, sdk::Responder& respond) const;
  void link_redeem(DashboardRequest& request, sdk::Responder& respond) const;
  void logout(DashboardRequest& request, sdk::Responder& respond) const;
  void asset(DashboardRequest& request, sdk::Responder& respond) const;
  void health(DashboardRequest& request, sdk::Responder& respond) const;
  void me(DashboardRequest& request, sdk::Responder& respond) const;
  void notifications(DashboardRequest& request, sdk::Responder& respond) const;
  void image(DashboardRequest& request, sdk::Responder& respond) const;
  void publish(DashboardRequest& request, sdk::Responder& respond) const;
  void tokens_page(DashboardRequest& request, sdk::Responder& respond) const;
  void token_create(DashboardRequest& request, sdk::Responder& respond) const;
  void token_revoke(DashboardRequest& request, sdk::Responder& respond) const;
  // The tokens page with `view` filled in but for the list, csrf token and URL.
  void show_tokens(DashboardRequest& request, sdk::Responder& respond, unsigned status, TokensView view) const;

  sdk::Host& host_;
  const WebSettings& settings_;
  SessionStore& sessions_;
  LoginLinks& links_;
  ApiTokens& tokens_;
  const TokenPublisher publisher_;
};

/// An HTML response with `Content-Type: text/html; charset=utf-8`.
sdk::HttpResponse html_response(unsigned status, std::string body);

/// A 303 redirect to `location`.
sdk::HttpResponse redirect(std::string location);

}  // namespace notifyd::webui
