#pragma once
// Where a browser goes after signing in: the page it asked for, kept in a
// short-lived cookie (or given as `/login?next=`) while the user fetches a
// sign-in link. Only paths on this dashboard are accepted (no open redirect).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/http.hpp"

namespace notifyd::webui {

/// The return cookie's name.
inline constexpr std::string_view return_cookie_name = "notifyd_return";

/// How long the return cookie lasts: long enough to run `notifyctl login`.
inline constexpr std::chrono::seconds return_cookie_lifetime{15 * 60};

/// `text` when it is a path on this dashboard worth returning to: it starts
/// with one `/` (not `//` or `/\`, which browsers read as another host), has
/// no backslash or control character, is at most 2048 bytes and is not a
/// sign-in page; else nullopt.
std::optional<std::string> safe_return_path(std::string_view text);

/// `request`'s page (path and query) to come back to; nullopt for `/` and unsafe paths.
std::optional<std::string> page_return_path(const sdk::HttpRequest& request);

/// `Set-Cookie` value keeping `path` (a safe return path) for the sign-in: HttpOnly,
/// SameSite=Lax, Path=/login, `return_cookie_lifetime`, Secure when `secure`.
std::string return_cookie(std::string_view path, bool secure);

/// `Set-Cookie` value that removes the return cookie.
std::string cleared_return_cookie(bool secure);

/// The safe return path a request carries: its `next` field or parameter
/// when given, else the return cookie's; nullopt when neither is safe.
std::optional<std::string> requested_return_path(const sdk::HttpRequest& request,
                                                 std::optional<std::string_view> next_field);

}  // namespace notifyd::webui
