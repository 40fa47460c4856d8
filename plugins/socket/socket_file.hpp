#pragma once
// The socket file on disk: refusing to take over a live socket, removing a
// stale one, binding without a moment of wrong permissions, and removing it
// again at stop only if it is still ours.

#include <sys/types.h>

#include <filesystem>
#include <optional>

#include "notifyd/sdk/status.hpp"

namespace notifyd::socket_api {

/// The socket file a front-end created: removed at stop only while the path
/// still names this very file.
struct SocketFileIdentity {
  std::filesystem::path path;
  dev_t device = 0;
  ino_t inode = 0;
};

/// A listening unix socket and its file.
struct ListeningSocket {
  int fd = -1;                 ///< owned by the caller (hand it to an acceptor)
  SocketFileIdentity file;
  bool removed_stale = false;  ///< a stale socket file was removed first
};

/// Makes `path` free for binding. Nothing there: fine. A socket nobody listens
/// on (connect() → ECONNREFUSED): removed, answers true. A socket that answers:
/// "another notifyd is listening on <path>". Anything else: refused.
sdk::Result<bool> clear_socket_path(const std::filesystem::path& path);

/// Creates the parent directory if missing, clears the path, then binds and
/// listens inside a fresh 0700 staging directory next to `path`, applies
/// `mode` and `group`, and hard-links the socket into place. The socket is
/// never reachable with other permissions than `mode`, and the process umask
/// is left alone (other threads may be creating files).
sdk::Result<ListeningSocket> open_listening_socket(const std::filesystem::path& path, mode_t mode,
                                                   std::optional<gid_t> group);

/// Removes the socket file when `path` still names the file that was created.
void remove_socket_file(const SocketFileIdentity& file) noexcept;

}  // namespace notifyd::socket_api
