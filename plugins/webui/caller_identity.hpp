#pragma once
// Who sent a request, by the configured sign-in mode.

#include <optional>
#include <string>

#include <boost/asio/ip/address.hpp>

#include "notifyd/sdk/http.hpp"
#include "session_store.hpp"
#include "webui_settings.hpp"

namespace notifyd::webui {

/// The transport facts of a connection.
struct PeerInfo {
  boost::asio::ip::address address;
  bool tls = false;
};

/// The outcome of identifying a request.
struct Identity {
  std::string user;                     ///< empty = nobody signed in
  std::optional<LoginSession> session;  ///< the cookie's session, only when it belongs to `user`
  bool secure = false;                  ///< reached over HTTPS (directly, or per a trusted proxy's X-Forwarded-Proto)
  std::string ignored;                  ///< why a user header was not believed, for the log
};

/// Identifies `request` (lower-case header names) from `peer`:
/// - `none`: everyone is `demo_user`;
/// - `link`: the user of a live session cookie;
/// - `proxy`: the user header, believed only from a trusted proxy address
///   (`name@email_domain` becomes `name`; anything not a user name is ignored).
/// A session cookie naming someone else than the identified user is not used.
Identity identify_caller(const WebSettings& settings, const SessionStore& sessions, const PeerInfo& peer,
                         const sdk::HttpRequest& request);

/// The user a proxy header names, after `email_domain` is stripped; nullopt
/// when it is not a valid user name (or an address at another domain).
std::optional<std::string> user_from_proxy_header(std::string_view value, std::string_view email_domain);

}  // namespace notifyd::webui
