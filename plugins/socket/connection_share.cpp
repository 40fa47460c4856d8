#include "connection_share.hpp"

#include <string>

#include "socket_caller.hpp"

namespace notifyd::socket_api {

Refusal refusal_for(const sdk::http::OpenConnections& open, bool privileged, const ConnectionLimits& limits) noexcept {
  if (open.total >= limits.total) return Refusal::server_full;
  if (privileged) return Refusal::none;
  if (open.total + limits.reserved >= limits.total) return Refusal::server_full;
  if (open.of_peer_uid >= limits.per_user) return Refusal::user_full;
  return Refusal::none;
}

ConnectionShare::ConnectionShare(sdk::Host& host, ConnectionLimits limits) : host_(host), limits_(limits) {}

bool ConnectionShare::admit(const sdk::http::Peer& peer, const sdk::http::OpenConnections& open) {
  if (!peer.credentials) return false;
  const uid_t uid = peer.credentials->uid;
  const sdk::Caller caller = caller_of(peer, host_);
  auto& log = host_.log();
  switch (refusal_for(open, caller.admin, limits_)) {
    case Refusal::user_full:
      if (refused_users_[uid]++ == 0) {
        log.warn(caller.user, " holds ", limits_.per_user,
                 " connections (max_connections_per_user): answering 503 to its new ones");
      }
      return false;
    case Refusal::server_full:
      if (!refusing_) {
        log.warn("connection limit of ", limits_.total, " reached (", limits_.reserved,
                 " kept for root and admins): answering 503 to new connections");
        refusing_ = true;
      }
      ++refused_;
      return false;
    case Refusal::none:
      break;
  }
  if (refusing_) {
    log.info("accepting connections again after refusing ", refused_);
    refusing_ = false;
    refused_ = 0;
  }
  if (const auto found = refused_users_.find(uid); found != refused_users_.end()) {
    log.info("accepting connections of ", caller.user, " again after refusing ", found->second);
    refused_users_.erase(found);
  }
  if (log.enabled(sdk::LogLevel::debug)) {
    log.debug("connection from ", caller.user, " (uid ", uid, ", pid ", peer.credentials->pid,
              caller.admin ? ", admin)" : ")");
  }
  return true;
}

}  // namespace notifyd::socket_api
