#pragma once
// Bodies of the Bot API requests the plugin makes. JSON for everything but
// uploads; a photo upload is a list of multipart form fields plus the file.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "outgoing_message.hpp"

namespace notifyd::telegram {

/// `sendMessage` for a text message (its `body`, or its `fallback` when
/// `use_fallback`); `disable_notification: true` when the message is silent.
std::string send_message_body(const OutgoingMessage& message, bool use_fallback);

/// The form fields of `sendPhoto` except the photo itself (`disable_notification`
/// is `true` when the message is silent).
std::vector<std::pair<std::string, std::string>> send_photo_fields(const OutgoingMessage& message, bool use_fallback);

/// `getUpdates` from `offset`, waiting up to `timeout_seconds`, for the update types the bot handles.
std::string get_updates_body(std::int64_t offset, long timeout_seconds);

/// `answerCallbackQuery`, with a short notice shown to the user (may be empty).
std::string answer_callback_body(std::string_view callback_id, std::string_view text);

/// `editMessageText` of a message the bot sent earlier.
std::string edit_message_text_body(std::int64_t chat_id, std::int64_t message_id, std::string_view text,
                                   std::string_view reply_markup);

/// An inline keyboard with one button per row: (label, callback data) pairs.
std::string inline_keyboard(const std::vector<std::pair<std::string, std::string>>& buttons);

}  // namespace notifyd::telegram
