#pragma once
// HS256 JSON Web Tokens (RFC 7519) as the desktop app presents them: the
// subject is the Unix user, `exp` is required. Pure code: no clock, no I/O.

#include <cstdint>
#include <string>
#include <string_view>

#include "notifyd/sdk/status.hpp"

namespace notifyd::websocket {

/// Longest token accepted; anything longer is refused before it is decoded.
inline constexpr std::size_t max_token_bytes = 4096;

/// What a verified token says.
struct JwtClaims {
  std::string subject;          ///< `sub`: the user name
  std::int64_t expires_at = 0;  ///< `exp`: Unix seconds
};

/// Checks `token` against `secret` at Unix time `now`: three base64url parts,
/// a JSON header whose `alg` is exactly HS256, an HMAC-SHA256 signature
/// compared in constant time, a JSON payload whose `sub` is a valid user name
/// and whose numeric `exp` lies after `now` (and `nbf`, when present, not
/// after it). The error is short and safe to send to the client. Never throws
/// on bad input; an empty secret verifies nothing.
sdk::Result<JwtClaims> verify_jwt(std::string_view token, std::string_view secret, std::int64_t now);

/// Signs a token for `subject` that expires at `expires_at` (Unix seconds),
/// with `iat` = `issued_at`. `secret` must not be empty.
std::string issue_jwt(std::string_view subject, std::int64_t issued_at, std::int64_t expires_at,
                      std::string_view secret);

}  // namespace notifyd::websocket
