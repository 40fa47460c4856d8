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
  PeerCredentials peer{credentials.pid, credentials.uid, credentials.gid, {}};
  try {
    std::vector<gid_t> groups(64);
    for (int attempt = 0; attempt < 4; ++attempt) {
      socklen_t bytes = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
      if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &bytes) == 0) {
        groups.resize(bytes / sizeof(gid_t));
        peer.groups = std::move(groups);
        break;
      }
      if (errno != ERANGE) break;
      groups.resize(bytes / sizeof(gid_t) + 1);
    }
  } catch (...) {
    peer.groups.clear();  // no supplementary groups: files are then opened with fewer rights, never more
  }
  return peer;
}

std::string user_name_for_uid(uid_t uid) {
  return sdk::user_name_of_uid(uid).value_or("uid:" + std::to_string(uid));
}

}  // namespace notifyd::socket_api
