#pragma once
// Who is on the other end of a connection a server accepted.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/address.hpp>

namespace notifyd::sdk::http {

/// The credentials of a unix socket's peer, as the kernel recorded them at connect().
struct PeerCredentials {
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  ///< supplementary groups (SO_PEERGROUPS), for opening files as the peer
};

/// SO_PEERCRED and SO_PEERGROUPS of connected unix socket `fd`; nullopt when the kernel does not say.
std::optional<PeerCredentials> unix_peer_credentials(int fd) noexcept;

/// The other end of a connection.
struct Peer {
  boost::asio::ip::address address;  ///< TCP peers only (IPv4-mapped addresses unmapped)
  std::uint16_t port = 0;            ///< TCP peers only
  bool tls = false;                  ///< the connection is HTTPS
  bool local = false;                ///< the connection came in on a unix socket
  std::optional<PeerCredentials> credentials;  ///< unix socket peers: SO_PEERCRED
  /// The peer's Unix user, when the server was asked to learn it: the owner
  /// of a unix socket peer (SO_PEERCRED) or of a loopback TCP peer's socket.
  std::optional<std::string> user;

  /// `10.0.0.1:53211`, `[::1]:53211`, `unix` or `unix uid 1000 pid 42`, for log lines.
  std::string to_string() const;
};

}  // namespace notifyd::sdk::http
