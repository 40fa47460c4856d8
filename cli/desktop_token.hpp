#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "api_responses.hpp"

namespace notifyctl {

/// `POST /api/desktop/token`: a token the desktop app signs in with, and where it connects.
struct DesktopToken {
  std::string token;
  std::string user;
  std::string expires_at;  ///< ISO-8601 as the daemon wrote it
  std::string url;         ///< the WebSocket URL, e.g. ws://127.0.0.1:8765/
};

/// The JSON body of the request: `{}` for yourself, `{"user": …}` for another user (admins).
std::string desktop_token_request_body(const std::string* user);

/// Decodes the daemon's answer; a body without a string `token` is a DecodeError.
std::variant<DesktopToken, DecodeError> decode_desktop_token(std::string_view body);

/// The answer as aligned "Token:", "User:", "Expires:", "Server:" lines.
std::string desktop_token_text(const DesktopToken& token);

}  // namespace notifyctl
