#pragma once
// The URL-safe base64 alphabet of RFC 4648 §5 without padding, as JWTs use it.

#include <optional>
#include <string>
#include <string_view>

namespace notifyd::websocket {

/// `bytes` in base64url without `=` padding.
std::string base64url_encode(std::string_view bytes);

/// Decodes unpadded base64url; nullopt on any byte outside the alphabet, on
/// padding, on an impossible length, or when the unused trailing bits are not zero
/// (so every value has exactly one encoding).
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace notifyd::websocket
