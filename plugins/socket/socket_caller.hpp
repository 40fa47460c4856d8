#pragma once
// Who a socket API request acts as: the Unix user the kernel says connected.

#include "notifyd/sdk/host.hpp"
#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/http/peer.hpp"

namespace notifyd::socket_api {

/// The caller of a unix socket peer: its user name (`uid:<n>` when its uid has
/// none; empty without credentials), an admin when root or `Host::is_admin` says so.
sdk::Caller caller_of(const sdk::http::Peer& peer, const sdk::Host& host);

}  // namespace notifyd::socket_api
