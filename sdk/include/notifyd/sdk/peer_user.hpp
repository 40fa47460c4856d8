#pragma once
// Which Unix user is on the other end of a local connection, as the kernel
// knows it: SO_PEERCRED for a unix socket, the owner of the peer's socket for
// loopback TCP (an `ssh -L` tunnel's socket belongs to the user's own sshd).

#include <sys/types.h>

#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>

namespace notifyd::sdk {

/// The uid of the process that connected to unix socket `fd` (SO_PEERCRED);
/// nullopt when the kernel does not say.
std::optional<uid_t> unix_socket_peer_uid(int fd) noexcept;

/// The uid owning the client socket of the loopback TCP connection whose
/// server side is `local` and client side is `remote` (as the server sees
/// them). Asks the kernel for that exact 4-tuple (sock_diag,
/// NETLINK_INET_DIAG), falling back to `/proc/net/tcp` and `/proc/net/tcp6`.
/// Only a socket that is still attached to a file counts (a closed or
/// time-wait socket has no owner); nullopt when `remote` is not a loopback
/// address or no such socket exists. Call it while the connection is open,
/// best right after accept.
std::optional<uid_t> loopback_peer_uid(const boost::asio::ip::tcp::endpoint& local,
                                       const boost::asio::ip::tcp::endpoint& remote) noexcept;

/// The name of `uid` in the user database (getpwuid_r); nullopt when it has none.
std::optional<std::string> user_name_of_uid(uid_t uid);

}  // namespace notifyd::sdk
