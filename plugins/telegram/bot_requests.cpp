#include "bot_requests.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notifyd/sdk/utf8.hpp"

namespace notifyd::telegram {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(Writer& writer, std::string_view text) {
  const std::string clean = sdk::replace_invalid_utf8(text);
  writer.String(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
}

void write_key(Writer& writer, std::string_view key) {
  writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

void write_bold_entities(Writer& writer, std::size_t units) {
  writer.StartArray();
  writer.StartObject();
  write_key(writer, "type");
  write_string(writer, "bold");
  write_key(writer, "offset");
  writer.Uint(0);
  write_key(writer, "length");
  writer.Uint64(units);
  writer.EndObject();
  writer.EndArray();
}

std::string bold_entities_json(std::size_t units) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  write_bold_entities(writer, units);
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

std::string send_message_body(const OutgoingMessage& message, bool use_fallback) {
  const ComposedText& text = use_fallback && message.fallback ? *message.fallback : message.body;
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  write_key(writer, "chat_id");
  writer.Int64(message.chat_id);
  write_key(writer, "text");
  write_string(writer, text.text);
  if (const auto mode = parse_mode(text.format); !mode.empty()) {
    write_key(writer, "parse_mode");
    write_string(writer, mode);
  } else if (text.bold_units > 0) {
    write_key(writer, "entities");
    write_bold_entities(writer, text.bold_units);
  }
  if (!message.reply_markup.empty()) {
    write_key(writer, "reply_markup");
    writer.RawValue(message.reply_markup.data(), message.reply_markup.size(), rapidjson::kObjectType);
  }
  if (message.silent) {
    write_key(writer, "disable_notification");
    writer.Bool(true);
  }
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::vector<std::pair<std::string, std::string>> send_photo_fields(const OutgoingMessage& message, bool use_fallback) {
  const ComposedText& caption = use_fallback && message.fallback ? *message.fallback : message.body;
  std::vector<std::pair<std::string, std::string>> fields;
  fields.emplace_back("chat_id", std::to_string(message.chat_id));
  if (!caption.text.empty()) {
    fields.emplace_back("caption", sdk::replace_invalid_utf8(caption.text));
    if (const auto mode = parse_mode(caption.format); !mode.empty()) {
      fields.emplace_back("parse_mode", std::string(mode));
    } else if (caption.bold_units > 0) {
      fields.emplace_back("caption_entities", bold_entities_json(caption.bold_units));
    }
  }
  if (!message.reply_markup.empty()) fields.emplace_back("reply_markup", message.reply_markup);
  if (message.silent) fields.emplace_back("disable_notification", "true");
  return fields;
}

std::string get_updates_body(std::int64_t offset, long timeout_seconds) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  write_key(writer, "offset");
  writer.Int64(offset);
  write_key(writer, "timeout");
  writer.Int64(timeout_seconds);
  write_key(writer, "limit");
  writer.Int(100);
  write_key(writer, "allowed_updates");
  writer.StartArray();
  for (const char* type : {"message", "callback_query", "my_chat_member"}) write_string(writer, type);
  writer.EndArray();
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string answer_callback_body(std::string_view callback_id, std::string_view text) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  write_key(writer, "callback_query_id");
  write_string(writer, callback_id);
  if (!text.empty()) {
    write_key(writer, "text");
    write_string(writer, text.substr(0, 190));
  }
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string edit_message_text_body(std::int64_t chat_id, std::int64_t message_id, std::string_view text,
                                   std::string_view reply_markup) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  write_key(writer, "chat_id");
  writer.Int64(chat_id);
  write_key(writer, "message_id");
  writer.Int64(message_id);
  write_key(writer, "text");
  write_string(writer, text);
  if (!reply_markup.empty()) {
    write_key(writer, "reply_markup");
    writer.RawValue(reply_markup.data(), reply_markup.size(), rapidjson::kObjectType);
  }
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string inline_keyboard(const std::vector<std::pair<std::string, std::string>>& buttons) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  write_key(writer, "inline_keyboard");
  writer.StartArray();
  for (const auto& [label, data] : buttons) {
    writer.StartArray();
    writer.StartObject();
    write_key(writer, "text");
    write_string(writer, label);
    write_key(writer, "callback_data");
    write_string(writer, data);
    writer.EndObject();
    writer.EndArray();
  }
  writer.EndArray();
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace notifyd::telegram
