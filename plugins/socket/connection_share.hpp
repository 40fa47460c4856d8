#pragma once
// How the socket API's connections are shared among its callers: one Unix
// user holding many exhausts only its own share, and a reserve stays free
// for root and the admin group.

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include "notifyd/sdk/host.hpp"
#include "notifyd/sdk/http/peer.hpp"
#include "notifyd/sdk/http/server.hpp"

namespace notifyd::socket_api {

/// How many connections the front-end serves, and how they are shared.
struct ConnectionLimits {
  std::size_t total = 256;    ///< every connection
  std::size_t per_user = 32;  ///< one ordinary Unix user's connections
  std::size_t reserved = 16;  ///< of `total`, only for privileged callers (root, the admin group)
};

/// Why a connection is refused.
enum class Refusal { none, server_full, user_full };

/// Whether a new connection may be served with `open` connections held: an
/// ordinary user is refused at `per_user` connections of its own or when only
/// the reserve is left; a privileged caller only when all `total` are in use.
Refusal refusal_for(const sdk::http::OpenConnections& open, bool privileged, const ConnectionLimits& limits) noexcept;

/// The admission rule of the socket API's server (`ServerOptions::admit`):
/// `refusal_for` with the caller's privilege, logging one line when a burst
/// of refusals begins (for the server, or for one user) and one when it ends,
/// so that a client reconnecting in a loop cannot flood the log. Called on the
/// listener's executor, one connection at a time.
class ConnectionShare {
 public:
  ConnectionShare(sdk::Host& host, ConnectionLimits limits);

  /// True when `peer` (a unix socket peer, its user learnt) may be served.
  bool admit(const sdk::http::Peer& peer, const sdk::http::OpenConnections& open);

 private:
  sdk::Host& host_;
  ConnectionLimits limits_;
  bool refusing_ = false;      // inside a burst of refusals for a full server
  std::uint64_t refused_ = 0;  // connections refused in this burst
  std::unordered_map<uid_t, std::uint64_t> refused_users_;  // users over their share, and how often refused
};

}  // namespace notifyd::socket_api
