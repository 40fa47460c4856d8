#pragma once
// Who sent a request, by the configured sign-in mode.

#include <optional>
#include <string>

#include <boost/asio/ip/address.hpp>

#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/http/peer.hpp"
#include "session_store.hpp"
#include "webui_settings.hpp"

namespace notifyd::webui {

/// The transport facts of a connection.
struct PeerInfo {
  boost::asio::ip::address address;      ///< unspecified on a unix socket
  bool tls = false;
  bool unix_socket = false;              ///< came in on the dashboard's unix socket
  std::optional<std::string> unix_user;  ///< who opened it, when the kernel says and the settings need it

  /// The address, or `unix socket` (with the user when known), for log lines.
  std::string to_string() const;
};

/// The facts of a connection the SDK server accepted (its address already
/// unmapped from IPv4-mapped IPv6, its user known when the server was asked).
PeerInfo peer_info_of(const sdk::http::Peer& peer);

/// The outcome of identifying a request.
struct Identity {
  std::string user;                     ///< empty = nobody signed in
  std::optional<LoginSession> session;  ///< the cookie's session, only when it belongs to `user`
  bool secure = false;                  ///< reached over HTTPS (directly, or per a trusted proxy's X-Forwarded-Proto)
  std::string ignored;                  ///< why a user header was not believed, for the log
  std::string unavailable;              ///< why the session cookie could not be looked up (the shared keys failed)
};

/// Identifies `request` (lower-case header names) from `peer`:
/// - `none`: `demo_user`, on connections opened by that Unix user (or root);
/// - `link`: the user of a live session cookie;
/// - `peer`: the Unix user who opened the connection;
/// - `proxy`: the user header, believed only from the proxy (see
///   `is_trusted_proxy`; `name@email_domain` becomes `name`; anything not a
///   user name is ignored).
/// A session cookie naming someone else than the identified user is not used.
/// When the sessions cannot be read, `unavailable` says why.
Identity identify_caller(const WebSettings& settings, const SessionStore& sessions, const PeerInfo& peer,
                         const sdk::HttpRequest& request);

/// True when `peer` is the proxy, whose user header is believed: on the unix
/// socket, anyone who may open it (and, with `trusted_proxy_users`, only
/// those users); on TCP, an address in `trusted_proxies` and, for a loopback
/// address (every local user connects from there), a Unix user in
/// `trusted_proxy_users`.
bool is_trusted_proxy(const WebSettings& settings, const PeerInfo& peer);

/// The user a proxy header names, after `email_domain` is stripped; nullopt
/// when it is not a valid user name (or an address at another domain).
std::optional<std::string> user_from_proxy_header(std::string_view value, std::string_view email_domain);

}  // namespace notifyd::webui
