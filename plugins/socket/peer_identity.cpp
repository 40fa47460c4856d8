#include "peer_identity.hpp"

#include <sys/socket.h>

#include "notifyd/sdk/peer_user.hpp"

namespace notifyd::socket_api {

std::optional<PeerCredentials> peer_credentials(int fd) noexcept {
  ucred credentials{};
  socklen_t length = sizeof credentials;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0 || length != sizeof credentials) {
    return std::nullopt;
  }
  return PeerCredentials{credentials.pid, credentials.uid, credentials.gid};
}

std::string user_name_for_uid(uid_t uid) {
  return sdk::user_name_of_uid(uid).value_or("uid:" + std::to_string(uid));
}

}  // namespace notifyd::socket_api
