#include "socket_caller.hpp"

#include <string>

namespace notifyd::socket_api {

sdk::Caller caller_of(const sdk::http::Peer& peer, const sdk::Host& host) {
  sdk::Caller caller;
  if (!peer.credentials) return caller;
  const uid_t uid = peer.credentials->uid;
  caller.user = peer.user.value_or("uid:" + std::to_string(uid));
  caller.admin = uid == 0 || host.is_admin(caller.user);
  return caller;
}

}  // namespace notifyd::socket_api
