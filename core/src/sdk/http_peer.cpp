#include "notifyd/sdk/http/peer.hpp"

#include <sys/socket.h>

#include <cerrno>

#include "notifyd/sdk/http/listen_address.hpp"

namespace notifyd::sdk::http {

std::optional<PeerCredentials> unix_peer_credentials(int fd) noexcept {
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

std::string Peer::to_string() const {
  if (!local) return format_host_port(address, port);
  if (!credentials) return "unix";
  return "unix uid " + std::to_string(credentials->uid) + " pid " + std::to_string(credentials->pid);
}

}  // namespace notifyd::sdk::http
