#pragma once
// The Desktop app page: a token for the desktop client and how to use it.

#include <string>

namespace notifyd::webui {

/// The page's main content; `available` when a websocket plugin serves
/// `POST /api/desktop/token`, `set_up` when that plugin has its JWT secret.
std::string render_desktop_page(bool available, bool set_up = true);

}  // namespace notifyd::webui
