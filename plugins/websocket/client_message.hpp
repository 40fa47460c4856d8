#pragma once
// What a desktop client may send: the seed's `auth` and `pong`, plus `ping`
// and the optional `since` of `auth`.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace notifyd::websocket {

/// One parsed text frame from a client.
struct ClientMessage {
  enum class Type {
    auth,     ///< `{"type":"auth","token":"...","since":<id>}`; `since` a number or a string of digits
    pong,     ///< `{"type":"pong"}`, the answer to our heartbeat
    ping,     ///< `{"type":"ping"}`, answered with a pong
    unknown,  ///< valid JSON with another `type`: ignored after authentication
    invalid,  ///< not JSON, not an object with a string `type`, or a malformed `auth`
  };
  Type type = Type::invalid;
  std::string token;                   ///< auth: the JWT (at most max_token_bytes + 1 bytes kept)
  std::optional<std::uint64_t> since;  ///< auth: the last notification id the client has
  std::string_view error;              ///< invalid: the seed's auth_error text (auth_error_text)
  std::string reason;                  ///< invalid: the specific fault, safe to send back; may be empty
};

/// Parses one text frame. Untrusted input: bounded by the frame limit
/// upstream, parsed iteratively, never throws on bad input.
ClientMessage parse_client_message(std::string_view text);

}  // namespace notifyd::websocket
