#pragma once
// The pages seen before signing in, and error pages.

#include <string>
#include <string_view>

#include "webui_settings.hpp"

namespace notifyd::webui {

/// `/login`: how to sign in with the configured mode. `signed_out` adds a notice;
/// `return_to` (a safe return path) says which page signing in leads back to.
std::string render_login_page(AuthMode auth, bool signed_out, std::chrono::milliseconds link_ttl,
                              std::string_view return_to = {});

/// `/login/link?token=`: confirms who is signing in before the token is used;
/// `return_to` (a safe return path) goes with the form.
std::string render_link_confirmation(std::string_view user, std::string_view token, std::string_view return_to = {});

/// `/login/link` with a token that is unknown, expired or used.
std::string render_link_invalid();

/// A short error page (`404 Not found`).
std::string render_error_page(unsigned status, std::string_view message);

}  // namespace notifyd::webui
