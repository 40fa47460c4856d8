#pragma once
// Opens a file with the permissions of the caller that named it, so the API
// never reads for a caller what the caller itself could not read.

#include <filesystem>

#include "peer_identity.hpp"

namespace notifyd::socket_api {

/// What `open_as_caller` did.
struct CallerFile {
  int fd = -1;            ///< open read-only; -1 on failure (then `error` holds errno)
  int error = 0;
  bool checked_as_caller = true;  ///< false when the daemon could not take the caller's identity (see below)
};

/// Opens `path` read-only (following symlinks, as the caller's own open
/// would) with the caller's filesystem uid, gid and supplementary groups. The
/// switch happens in a short-lived thread of its own (setfsuid, setfsgid and
/// the raw setgroups syscall change only the calling thread), which ends
/// with the open, so no other code ever runs with those credentials. A
/// daemon running as the caller opens directly. A daemon that may not switch
/// (not root, no CAP_SETUID/CAP_SETGID) opens as itself and says so in
/// `checked_as_caller`. The caller owns the descriptor.
CallerFile open_as_caller(const std::filesystem::path& path, const PeerCredentials& caller);

}  // namespace notifyd::socket_api
