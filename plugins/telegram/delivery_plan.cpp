#include "delivery_plan.hpp"

#include "hashtags.hpp"
#include "markup_split.hpp"
#include "notifyd/sdk/image.hpp"
#include "text_split.hpp"

namespace notifyd::telegram {
namespace {

// Parts that are each valid markup; markup Telegram would refuse anyway is
// cut as plain text (each part then falls back to itself without a parse mode).
std::vector<std::string> text_parts(const ComposedText& composed, std::size_t limit) {
  if (composed.format != sdk::TextFormat::plain) {
    if (auto parts = split_markup(composed.text, composed.format, limit)) return std::move(*parts);
  }
  return split_text(composed.text, limit);
}

// A delivery that is one message falls back to the plain composition (title
// still bold); a part of a longer one to its own text without a parse mode.
void add_text_parts(std::vector<OutgoingMessage>& out, std::int64_t chat_id, const ComposedText& composed,
                    const ComposedText& plain) {
  const auto parts = text_parts(composed, max_message_units);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    OutgoingMessage message;
    message.chat_id = chat_id;
    message.body = {parts[i], composed.format, i == 0 ? std::min(composed.bold_units, utf16_length(parts[i])) : 0};
    if (composed.format != sdk::TextFormat::plain) {
      if (parts.size() == 1 && utf16_length(plain.text) <= max_message_units && !plain.text.empty()) {
        message.fallback = plain;
      } else {
        message.fallback = ComposedText{parts[i], sdk::TextFormat::plain, 0};
      }
    }
    out.push_back(std::move(message));
  }
}

OutgoingMessage photo_message(const sdk::Notification& notification, std::int64_t chat_id, ComposedText caption,
                              ComposedText plain_caption) {
  OutgoingMessage photo;
  photo.kind = OutgoingMessage::Kind::photo;
  photo.chat_id = chat_id;
  photo.photo_path = notification.image_path;
  const auto type = notification.image_type ? notification.image_type : sdk::ImageType::png;
  photo.photo_mime = std::string(sdk::mime_type(*type));
  if (caption.format != sdk::TextFormat::plain && !caption.text.empty()) photo.fallback = std::move(plain_caption);
  photo.body = std::move(caption);
  return photo;
}

// The message with the tags' hashtags on a line of their own after it, in `format`.
std::string with_hashtags(const std::string& message, const std::vector<std::string>& tags, sdk::TextFormat format) {
  if (tags.empty()) return message;
  const std::string line = escape_text(hashtag_line(tags), format);
  return message.empty() ? line : message + "\n\n" + line;
}

std::vector<OutgoingMessage> planned_messages(const sdk::Notification& notification, std::int64_t chat_id,
                                              bool with_image) {
  std::vector<OutgoingMessage> out;
  const std::string message = with_hashtags(notification.message, notification.tags, notification.format);
  const std::string plain_message = with_hashtags(notification.message, notification.tags, sdk::TextFormat::plain);
  const ComposedText composed = compose_text(notification.title, message, notification.format);
  const ComposedText plain = compose_plain(notification.title, plain_message);
  if (!with_image) {
    add_text_parts(out, chat_id, composed, plain);
    return out;
  }
  if (utf16_length(composed.text) <= max_caption_units && utf16_length(plain.text) <= max_caption_units) {
    out.push_back(photo_message(notification, chat_id, composed, plain));
    return out;
  }
  ComposedText title = compose_text(notification.title, "", notification.format);
  ComposedText plain_title = compose_plain(notification.title, "");
  if (utf16_length(title.text) > max_caption_units || utf16_length(plain_title.text) > max_caption_units) {
    title = plain_title = ComposedText{"", sdk::TextFormat::plain, 0};
    add_text_parts(out, chat_id, composed, plain);
  } else {
    add_text_parts(out, chat_id, compose_text("", message, notification.format), compose_plain("", plain_message));
  }
  out.insert(out.begin(), photo_message(notification, chat_id, std::move(title), std::move(plain_title)));
  return out;
}

}  // namespace

std::vector<OutgoingMessage> plan_delivery(const sdk::Notification& notification, std::int64_t chat_id,
                                           bool with_image) {
  auto out = planned_messages(notification, chat_id, with_image);
  const bool silent = notification.priority <= sdk::Priority::low;
  for (auto& message : out) message.silent = silent;
  return out;
}

std::vector<OutgoingMessage> plan_reply(std::int64_t chat_id, std::string_view text, sdk::TextFormat format,
                                        std::string reply_markup) {
  std::vector<OutgoingMessage> out;
  for (auto& part : text_parts({std::string(text), format, 0}, max_message_units)) {
    OutgoingMessage message;
    message.chat_id = chat_id;
    message.body = {std::move(part), format, 0};
    out.push_back(std::move(message));
  }
  if (out.empty()) {
    OutgoingMessage message;
    message.chat_id = chat_id;
    message.body = {"(empty)", sdk::TextFormat::plain, 0};
    out.push_back(std::move(message));
  }
  out.back().reply_markup = std::move(reply_markup);
  return out;
}

}  // namespace notifyd::telegram
