#pragma once
// A notification's message as formatted HTML, read in its parse mode the way
// Telegram reads it.

#include <string>
#include <string_view>

#include "notifyd/sdk/notification.hpp"

namespace notifyd::webui {

/// `text` in `format` (legacy Markdown, MarkdownV2, HTML or plain) as safe
/// HTML: bold, italic, underline, strikethrough, spoilers, code, pre, quotes
/// and links become elements; every character of the text is escaped, no
/// markup of the sender's passes through, and links go only to http, https
/// and tg URLs (others keep their text, without a link). A text Telegram
/// would refuse to parse is shown as plain text, as the Telegram channel
/// then sends it.
std::string render_message_html(std::string_view text, sdk::TextFormat format);

}  // namespace notifyd::webui
