#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/image.hpp"
#include "notifyd/sdk/priority.hpp"

namespace notifyd::sdk {

/// How `message` (and the title) are to be read by a channel.
enum class TextFormat : std::uint32_t { plain = 0, markdown = 1, markdown_v2 = 2, html = 3 };

/// Name of a text format as used on the wire (`Markdown`, `MarkdownV2`, `HTML`, `plain`).
std::string_view text_format_name(TextFormat format) noexcept;

/// Reads a seed-style `parse_mode` value. Empty text means Markdown, as in the seed.
std::optional<TextFormat> parse_text_format(std::string_view text) noexcept;

/// One notification as stored by the pipeline and handed to channels.
/// Immutable once accepted.
struct Notification {
  std::uint64_t id = 0;          ///< assigned by the pipeline at acceptance; increasing
  std::string user;              ///< recipient Unix user name
  std::string title;             ///< shown bold above the message; may be empty
  std::string message;           ///< the body
  TextFormat format = TextFormat::markdown;
  std::string source;            ///< the check that produced it, or "api"
  std::string data_json;         ///< a JSON object kept with the notification, or empty
  std::string image_path;        ///< absolute path of the stored image copy, or empty
  std::optional<ImageType> image_type;
  std::int64_t created_at_ms = 0;  ///< acceptance time, Unix epoch milliseconds
  Priority priority = default_priority;  ///< how loudly channels announce it
  std::vector<std::string> tags;   ///< checked labels (`normalized_tags`), in the sender's order
};

/// An image attached to a notification that is being published: its bytes are
/// written into the data directory when the notification is accepted.
struct ImageUpload {
  std::string bytes;
  ImageType type = ImageType::png;
};

/// What a plugin hands to `NotificationService::publish`.
struct PublishRequest {
  Notification notification;          ///< id, created_at and image_path are set by the pipeline
  std::optional<ImageUpload> image;
  std::vector<std::string> channels;  ///< channel instance names; empty = every channel that reaches the user
};

}  // namespace notifyd::sdk
