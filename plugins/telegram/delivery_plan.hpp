#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/notification.hpp"
#include "outgoing_message.hpp"

namespace notifyd::telegram {

/// The messages that deliver `notification` to `chat_id`, in order: the title
/// bold above the message, its tags as a line of hashtags below it
/// (`hashtag_line`, escaped for the format), split into texts within
/// Telegram's limit that are each valid markup (see split_markup); with
/// `with_image`, a photo first, captioned when the caption fits, else captioned
/// with the title and followed by the text. A `min` or `low` priority makes
/// every message silent (`disable_notification`).
std::vector<OutgoingMessage> plan_delivery(const sdk::Notification& notification, std::int64_t chat_id,
                                           bool with_image);

/// A bot reply in `format`, split like a notification; `reply_markup` (an
/// inline keyboard) goes with the last part.
std::vector<OutgoingMessage> plan_reply(std::int64_t chat_id, std::string_view text, sdk::TextFormat format,
                                        std::string reply_markup = {});

}  // namespace notifyd::telegram
