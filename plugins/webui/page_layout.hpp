#pragma once
// The frame every dashboard page shares: head, header with navigation, main.

#include <cstdint>
#include <string>
#include <string_view>

#include "webui_settings.hpp"

namespace notifyd::webui {

/// The sections in the navigation bar.
enum class Section { none, telegram, checks, history, desktop, tokens };

/// What the frame shows around a page's content.
struct PageFrame {
  std::string title;            ///< the page's own title; " · notifyd" is appended
  Section section = Section::none;
  std::string user;             ///< the signed-in user; empty on the sign-in pages
  std::string csrf_token;       ///< placed in a meta tag for the script and in the sign-out form
  AuthMode auth = AuthMode::link;
  std::string version;          ///< notifyd version, in the footer
};

/// A whole HTML document: `main_html` (already escaped markup) inside the
/// frame. Signed-in pages get the navigation and Sign out.
std::string render_page(const PageFrame& frame, std::string_view main_html);

/// `<time datetime="ISO">2026-12-07 01:08 UTC</time>`: times as the bot's replies show them.
std::string time_element(std::int64_t epoch_ms);

}  // namespace notifyd::webui
