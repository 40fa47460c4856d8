#pragma once
// Who is on the other end of a unix socket, from the kernel (SO_PEERCRED).

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "notifyd/sdk/http.hpp"

namespace notifyd::socket_api {

/// The credentials of a connected peer, as the kernel recorded them at connect().
struct PeerCredentials {
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  ///< supplementary groups (SO_PEERGROUPS), for opening files as the peer
};

/// A connection's caller: its credentials and the identity handlers see.
struct PeerIdentity {
  PeerCredentials credentials;
  sdk::Caller caller;  ///< user name of the uid; admin when root or in the admin group
};

/// SO_PEERCRED and SO_PEERGROUPS of connected unix socket `fd`; nullopt when the kernel does not say.
std::optional<PeerCredentials> peer_credentials(int fd) noexcept;

/// The user name of `uid` (getpwuid_r), or `uid:<n>` when it has none.
std::string user_name_for_uid(uid_t uid);

}  // namespace notifyd::socket_api
