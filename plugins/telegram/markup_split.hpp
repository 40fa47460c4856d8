#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/notification.hpp"
#include "text_split.hpp"

namespace notifyd::telegram {

/// Splits `text`, written in `format`, into parts of at most `limit` UTF-16
/// units that are each valid on their own: entities open at a cut (code
/// blocks, bold, italic, links, HTML tags) are closed at the end of the part
/// and reopened at the start of the next; no cut goes where such a marker
/// would read together with the text beside it (a pre block's part ending in
/// "`", a MarkdownV2 quote's ">"). A cut goes at a line break outside
/// every entity when one lies in the second half of the part, else at the
/// last line break, else at the last space, else between characters; the
/// line break or space at the cut is left out, and so are parts with nothing
/// visible. Nullopt when `text` is not valid markup in `format` (Telegram
/// would refuse it whole) or a single marker does not fit.
std::optional<std::vector<std::string>> split_markup(std::string_view text, sdk::TextFormat format,
                                                     std::size_t limit = max_message_units);

}  // namespace notifyd::telegram
