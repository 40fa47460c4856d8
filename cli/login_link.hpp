#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "api_responses.hpp"

namespace notifyctl {

/// `POST /api/login-link`: a one-time URL that signs the caller in to the web dashboard.
struct LoginLink {
  std::string url;
  std::string user;
  std::string expires_at;  ///< ISO-8601 as the daemon wrote it
};

/// Decodes the daemon's answer; a body without a string `url` is a DecodeError.
std::variant<LoginLink, DecodeError> decode_login_link(std::string_view body);

/// The URL on a line of its own (easy to select), with who it signs in and until when.
std::string login_link_text(const LoginLink& link);

/// Why `notifyctl login` got no link, for a refusal with `status` (404: no
/// dashboard with `auth = "link"`); empty when the generic refusal says it best.
std::string login_refusal_hint(unsigned status);

}  // namespace notifyctl
