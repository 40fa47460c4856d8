#pragma once
// The socket API's answer to a request: what the server hands each one to.

#include "builtin_routes.hpp"
#include "notifyd/sdk/host.hpp"
#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/http/peer.hpp"
#include "socket_settings.hpp"

namespace notifyd::socket_api {

/// Routes a request of a unix socket peer: the built-in routes first, then the
/// routes other plugins registered for `surface_socket`; 405 for a known path
/// with another method (with `Allow` for built-in paths), 404 otherwise. The
/// request acts as the peer's caller (`caller_of`). Read-only after
/// construction: called on any connection's strand.
class SocketHandler {
 public:
  SocketHandler(sdk::Host& host, const SocketSettings& settings);

  /// Answers `request` from `peer` through `respond` (at once or later, from a pipeline thread).
  void operator()(const sdk::http::Peer& peer, sdk::HttpRequest request, const sdk::Responder& respond) const;

 private:
  sdk::Host& host_;
  BuiltinRoutes routes_;
};

}  // namespace notifyd::socket_api
