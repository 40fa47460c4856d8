#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "notifyd/sdk/priority.hpp"

namespace notifyctl {

/// A notification's priority and tags as a request carries them: the default
/// priority and no tags are left out, so such a body is the seed's.
struct NotificationLabels {
  notifyd::sdk::Priority priority = notifyd::sdk::default_priority;
  std::vector<std::string> tags;
};

/// What `POST /v1/notify` carries; absent fields are left to the daemon's defaults.
struct NotifyFields {
  std::optional<std::string> user;
  std::optional<std::string> title;
  std::string message;
  std::optional<std::string> format;
  std::optional<std::string> source;
  std::optional<std::string> image_bytes;  ///< the file's bytes; sent base64-encoded
  NotificationLabels labels;
};

/// Local input that cannot be sent, e.g. a title that is not UTF-8.
struct InvalidInput {
  std::string message;
};

/// The JSON body of `POST /v1/notify`.
std::variant<std::string, InvalidInput> notify_request_body(const NotifyFields& fields);

/// `/v1/history` with its query string, parameters URL-encoded: `min_priority`
/// by name, `tag` when not empty.
std::string history_request_target(const std::optional<std::string>& user, std::optional<std::uint32_t> limit,
                                   std::optional<std::uint64_t> before_id,
                                   std::optional<notifyd::sdk::Priority> min_priority = std::nullopt,
                                   std::string_view tag = {});

/// The seed runner's message text: "*title*\nmessage" (one newline), "*title*"
/// without a message, the message alone without a title.
std::string seed_text(std::string_view title, std::string_view message);

/// The JSON body of the seed's `POST /send` (`parse_mode` Markdown), with `labels`.
std::variant<std::string, InvalidInput> send_request_body(std::string_view user, std::string_view text,
                                                          const NotificationLabels& labels = {});

/// The JSON body of the seed's `POST /send_photo` (`parse_mode` Markdown), with `labels`.
std::variant<std::string, InvalidInput> send_photo_request_body(std::string_view user, std::string_view photo_path,
                                                                std::string_view caption,
                                                                const NotificationLabels& labels = {});

/// The body of `POST /v1/tokens` (`notifyctl token create`): the members given.
std::variant<std::string, InvalidInput> token_create_body(const std::optional<std::string>& name,
                                                          const std::optional<std::string>& expires,
                                                          const std::optional<std::string>& user);

/// `/v1/tokens`, or `/v1/tokens/<id>` (percent-encoded) when `id` is not empty, with `?user=` when given.
std::string tokens_request_target(std::string_view id, const std::optional<std::string>& user);

/// `/v1/checks`, with `?user=` when one is named.
std::string checks_request_target(const std::optional<std::string>& user);

/// `/v1/checks/<name>/run`, the name percent-encoded, with `?user=` when one is named.
std::string run_request_target(std::string_view name, const std::optional<std::string>& user);

/// `/v1/checks/<name>/runs`, with `?user=` and `?limit=` when given.
std::string runs_request_target(std::string_view name, const std::optional<std::string>& user,
                                std::optional<std::uint32_t> limit);

/// True when `code` is what the bot's /start sends: six digits.
bool is_link_code(std::string_view code);

/// The body of `POST /api/telegram/verify` (or `/unlink` without a code); `user` only when given.
std::string link_request_body(const std::optional<std::string>& code, const std::optional<std::string>& user);

/// `/api/telegram/status`, with `?user=` when given.
std::string link_status_target(const std::optional<std::string>& user);

/// The body of `POST /api/desktop/token`: `{}` for yourself, `{"user": …}` for another user (admins).
std::string desktop_token_request_body(const std::string* user);

/// RFC 3986 percent-encoding of everything but unreserved characters.
std::string percent_encode(std::string_view text);

}  // namespace notifyctl
