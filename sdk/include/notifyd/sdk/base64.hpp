#pragma once
// Base64 (RFC 4648 §4) and base64url (§5): one implementation for every plugin
// and notifyctl.

#include <optional>
#include <string>
#include <string_view>

namespace notifyd::sdk {

/// `bytes` in standard base64 (`+`, `/`) with `=` padding: four characters per
/// started three bytes.
std::string base64_encode(std::string_view bytes);

/// `bytes` in base64url (`-`, `_`) without padding, as JWTs and tokens in URLs
/// and cookies carry them.
std::string base64url_encode(std::string_view bytes);

/// Decodes unpadded base64url strictly; nullopt on any byte outside the
/// alphabet, on padding, on an impossible length, or when the unused trailing
/// bits are not zero (so every value has exactly one encoding).
std::optional<std::string> base64url_decode(std::string_view text);

/// Decodes base64 as people and other programs send it: either alphabet (even
/// mixed), padded or not, ASCII white space (space, tab, CR, LF) anywhere
/// ignored. Nullopt on any other byte, data after padding, more than two `=`,
/// padding that does not complete a group of four, or an impossible length.
std::optional<std::string> base64_decode_lenient(std::string_view text);

}  // namespace notifyd::sdk
