#include "caller_identity.hpp"

#include <algorithm>

#include <boost/beast/core/string.hpp>

#include "cookies.hpp"
#include "notifyd/sdk/user_name.hpp"

namespace notifyd::webui {

std::string PeerInfo::to_string() const {
  if (!unix_socket) return address.to_string();
  return unix_user ? "unix socket (" + *unix_user + ")" : "unix socket";
}

PeerInfo peer_info_of(const sdk::http::Peer& peer) {
  return PeerInfo{peer.address, peer.tls, peer.local, peer.user};
}

bool is_trusted_proxy(const WebSettings& settings, const PeerInfo& peer) {
  const auto& users = settings.trusted_proxy_users;
  const bool user_trusted =
      peer.unix_user && std::find(users.begin(), users.end(), *peer.unix_user) != users.end();
  if (peer.unix_socket) return users.empty() || user_trusted;
  if (!settings.trusted_proxies.contains(peer.address)) return false;
  if (sdk::http::is_loopback(peer.address)) return user_trusted;
  return true;
}

std::optional<std::string> user_from_proxy_header(std::string_view value, std::string_view email_domain) {
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (const auto at = value.find('@'); at != std::string_view::npos) {
    if (email_domain.empty() || !boost::beast::iequals(value.substr(at + 1), email_domain)) return std::nullopt;
    value = value.substr(0, at);
  }
  if (!sdk::is_valid_user_name(value)) return std::nullopt;
  return std::string(value);
}

Identity identify_caller(const WebSettings& settings, const SessionStore& sessions, const PeerInfo& peer,
                         const sdk::HttpRequest& request) {
  Identity identity;
  const bool trusted = settings.auth == AuthMode::proxy && is_trusted_proxy(settings, peer);
  identity.secure = peer.tls || (trusted && boost::beast::iequals(request.header("x-forwarded-proto"), "https"));

  std::optional<LoginSession> session;
  if (const auto cookie = cookie_value(request.header("cookie"), session_cookie_name(identity.secure))) {
    auto found = sessions.find(*cookie);
    if (found) {
      session = std::move(found).value();
    } else {
      identity.unavailable = found.error();
    }
  }

  switch (settings.auth) {
    case AuthMode::none:
      // Another local account gets nothing: a demo on a shared machine makes
      // no one else its user.
      if (peer.unix_user && (*peer.unix_user == settings.demo_user || *peer.unix_user == "root")) {
        identity.user = settings.demo_user;
      } else {
        identity.ignored = "auth = \"none\" serves only " + settings.demo_user + "'s own connections, not " +
                           peer.unix_user.value_or("an unknown user") + "'s";
      }
      break;
    case AuthMode::link:
      if (session) identity.user = session->user;
      break;
    case AuthMode::peer:
      if (peer.unix_user && sdk::is_valid_user_name(*peer.unix_user)) identity.user = *peer.unix_user;
      break;
    case AuthMode::proxy: {
      const std::string_view header = request.header(settings.user_header);
      if (header.empty()) break;
      if (!trusted) {
        identity.ignored = "ignored " + settings.user_header + " from " + peer.to_string() + ", which is not the proxy";
        break;
      }
      if (auto user = user_from_proxy_header(header, settings.email_domain)) {
        identity.user = std::move(*user);
      } else {
        identity.ignored = "ignored " + settings.user_header + ": not a user name";
      }
      break;
    }
  }
  if (session && !identity.user.empty() && session->user == identity.user) identity.session = std::move(session);
  return identity;
}

}  // namespace notifyd::webui
