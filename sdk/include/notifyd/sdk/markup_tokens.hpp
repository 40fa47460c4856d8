#pragma once
// Text in a Bot API parse mode read the way Telegram reads it, as a list of
// pieces: characters, and the markers that open and close entities. The
// Telegram channel splits long messages between pieces; the dashboard shows
// the text formatted.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/notification.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk {

/// One entity of the text, as markup: what opens it and what closes it.
struct MarkupEntity {
  std::string opener;  ///< e.g. "*", "```python\n", "<a href=\"…\">", "["
  std::string closer;  ///< e.g. "*", "```", "</a>", "](https://…)"
  bool verbatim = false;  ///< code or pre: no markup inside
};

/// A piece of the text: `text.substr(begin, end - begin)`.
struct MarkupPiece {
  enum class Kind {
    character,   ///< one visible character (or an escape, or an HTML character reference)
    line_break,  ///< '\n'
    space,       ///< ' '
    open,        ///< the marker opening `entity`
    close,       ///< the marker closing `entity`
  };
  Kind kind = Kind::character;
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t entity = 0;  ///< open/close: index into MarkupTokens::entities
};

/// A text read in one parse mode.
struct MarkupTokens {
  std::vector<MarkupPiece> pieces;
  std::vector<MarkupEntity> entities;
};

/// Reads `text` in `format` (Markdown, MarkdownV2 or HTML) by Telegram's
/// rules; the error is the one Telegram gives ("Can't find end of the entity
/// starting at byte offset 5"). Plain text is one character piece per code point.
Result<MarkupTokens> read_markup(std::string_view text, TextFormat format);

}  // namespace notifyd::sdk
