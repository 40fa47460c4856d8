#pragma once
// The session cookie: reading it from a request, writing Set-Cookie.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace notifyd::webui {

/// The session cookie's name: `__Host-notifyd_session` when the dashboard is
/// reached over HTTPS (the prefix makes browsers insist on Secure, Path=/ and
/// no Domain), `notifyd_session` otherwise.
std::string_view session_cookie_name(bool secure) noexcept;

/// The value of cookie `name` in a `Cookie:` header (`a=1; b=2`); nullopt when absent.
/// The first occurrence wins; at most 64 cookies are looked at.
std::optional<std::string_view> cookie_value(std::string_view cookie_header, std::string_view name) noexcept;

/// `Set-Cookie` value for a session: HttpOnly, SameSite=Strict, Path=/,
/// Max-Age, and Secure when `secure`.
std::string session_cookie(std::string_view value, bool secure, std::chrono::seconds max_age);

/// `Set-Cookie` value that removes the session cookie.
std::string cleared_session_cookie(bool secure);

}  // namespace notifyd::webui
