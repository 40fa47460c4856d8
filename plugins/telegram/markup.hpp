#pragma once
// Text in the Bot API's parse modes: escaping, the bold title, and the plain
// fallback used when Telegram cannot parse a message's entities.

#include <string>
#include <string_view>

#include "notifyd/sdk/notification.hpp"

namespace notifyd::telegram {

/// The Bot API `parse_mode` of a format: "Markdown", "MarkdownV2", "HTML", or empty for plain text.
std::string_view parse_mode(sdk::TextFormat format) noexcept;

/// `text` escaped so that Telegram shows it as typed in `format`.
std::string escape_text(std::string_view text, sdk::TextFormat format);

/// `title` as a bold line in `format` (plain text gets no markup; its bold comes from an entity).
std::string bold_title(std::string_view title, sdk::TextFormat format);

/// A message as Telegram receives it: text, parse mode, and for plain text
/// how many leading UTF-16 units are the bold title.
struct ComposedText {
  std::string text;
  sdk::TextFormat format = sdk::TextFormat::markdown;
  std::size_t bold_units = 0;  ///< plain text only: the title's length, sent as a bold entity
};

/// The title in bold above the message, in the notification's format; the
/// message itself is passed through as the sender wrote it.
ComposedText compose_text(std::string_view title, std::string_view message, sdk::TextFormat format);

/// The same without markup (title bold through an entity): the fallback after
/// a "can't parse entities" refusal.
ComposedText compose_plain(std::string_view title, std::string_view message);

}  // namespace notifyd::telegram
