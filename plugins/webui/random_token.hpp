#pragma once
// Unguessable tokens for session ids, CSRF tokens and login links.

#include <cstddef>
#include <string>
#include <string_view>

namespace notifyd::webui {

/// `bytes` bytes from OpenSSL's CSPRNG as unpadded base64url (43 characters for 32 bytes).
/// Throws std::runtime_error when the generator fails (never returns a weak token).
std::string random_token(std::size_t bytes = 32);

/// SHA-256 of `purpose` and `token` as unpadded base64url (43 characters):
/// what is kept of a token at rest, and the CSRF token derived from a session
/// id. Different purposes give unrelated digests of the same token.
std::string token_digest(std::string_view token, std::string_view purpose);

/// Compares two secrets in time independent of where they differ.
bool same_secret(std::string_view a, std::string_view b) noexcept;

/// True when `text` could be a token made by `random_token`: 16 to 128 base64url characters.
bool looks_like_token(std::string_view text) noexcept;

}  // namespace notifyd::webui
