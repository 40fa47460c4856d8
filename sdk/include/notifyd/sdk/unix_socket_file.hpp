#pragma once
// A listening unix socket's file on disk: refusing to take over a live
// socket, removing a stale one, binding without a moment of wrong
// permissions, and removing it again at stop only if it is still ours. Used
// by every front-end that listens on a unix socket.

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk {

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
Result<bool> clear_socket_path(const std::filesystem::path& path);

/// Creates the parent directory if missing, clears the path, then binds and
/// listens inside a fresh 0700 staging directory next to `path`, applies
/// `mode` and `group`, and hard-links the socket into place. The socket is
/// never reachable with other permissions than `mode`, and the process umask
/// is left alone (other threads may be creating files).
Result<ListeningSocket> open_listening_socket(const std::filesystem::path& path, mode_t mode,
                                                   std::optional<gid_t> group);

/// Removes the socket file when `path` still names the socket that was created
/// (same device and inode, and still a socket).
void remove_socket_file(const SocketFileIdentity& file) noexcept;

/// Parses a file mode written in octal (`"0660"`, `"660"`); nullopt unless it is
/// 1 to 4 octal digits with a value ≤ 0777.
std::optional<mode_t> parse_octal_mode(std::string_view text);

/// `mode` as four octal digits (`0660`), for log lines.
std::string format_octal_mode(mode_t mode);

/// The gid of group `name` (or a numeric gid); an error when no such group exists.
Result<gid_t> lookup_group(const std::string& name);

}  // namespace notifyd::sdk
