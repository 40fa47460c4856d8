#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "markup.hpp"

namespace notifyd::telegram {

/// One Bot API call that puts something in a chat: a text message or a photo.
struct OutgoingMessage {
  enum class Kind { text, photo };
  Kind kind = Kind::text;
  std::int64_t chat_id = 0;
  ComposedText body;                      ///< the text, or the photo's caption (may be empty)
  std::optional<ComposedText> fallback;   ///< sent once instead when Telegram cannot parse `body`'s entities
  std::string photo_path;                 ///< photos: the file to upload
  std::string photo_mime;                 ///< photos: image/png, image/jpeg, ...
  std::string reply_markup;               ///< JSON of an inline keyboard, or empty
  bool silent = false;                    ///< sent with `disable_notification`: arrives without a sound
};

}  // namespace notifyd::telegram
