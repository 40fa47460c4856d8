#pragma once
// Parsing and validation of the bodies of the send routes (`POST /send`,
// `POST /send_photo`, `POST /v1/notify`) and the answer to a publish, shared
// by the front-ends that serve them (the unix socket, the web listener's
// token-authenticated `/v1/notify`). Pure functions: no I/O, any bytes in, a
// value or an error response out.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/notification.hpp"
#include "notifyd/sdk/notification_service.hpp"
#include "notifyd/sdk/validated.hpp"

namespace notifyd::sdk::api {

/// Longest `source` accepted by `/v1/notify`.
inline constexpr std::size_t max_source_bytes = 256;
/// Most channel names one `/v1/notify` may list.
inline constexpr std::size_t max_channel_names = 64;

/// `POST /send {user, text, parse_mode, priority, tags}` (seed, plus notifyd's
/// `priority` and `tags` as `/v1/notify` reads them): a text notification from "api".
Validated<sdk::PublishRequest> parse_send_body(std::string_view body);

/// What `POST /send_photo` asks for, before the photo file is checked.
struct PhotoSend {
  std::string user;
  std::string photo_path;  ///< as given; checked and read by `load_photo`
  std::string caption;     ///< may be empty
  sdk::TextFormat format = sdk::TextFormat::markdown;
  sdk::Priority priority = sdk::default_priority;
  std::vector<std::string> tags;
};

/// `POST /send_photo {user, photo_path, caption, parse_mode, priority, tags}` (seed, plus notifyd's
/// `priority` and `tags`).
Validated<PhotoSend> parse_send_photo_body(std::string_view body);

/// `POST /v1/notify {user, title, message, format, source, data, image, channels,
/// priority, tags}`. `priority` is a number 1–5 or a name (`sdk::parse_priority`),
/// default 3; `tags` an array of strings (`sdk::normalized_tags`). `image` is
/// base64 (a `data:` URL prefix is accepted); its decoded size is limited to
/// `image_max_bytes` (413) and its content must be an image (415).
Validated<sdk::PublishRequest> parse_notify_body(std::string_view body, std::uint64_t image_max_bytes);

/// 403 when `caller` may not act for `user`, nullopt when it may.
std::optional<sdk::HttpResponse> refuse_unless_may_act_for(const sdk::Caller& caller, std::string_view user);

/// The answer to a publish: 200 `{"ok":true,"id":..,"channels":[..]}`, 404 when
/// no channel reaches `user`, 400 when invalid, 503 when the store is unavailable.
sdk::HttpResponse publish_response(const sdk::PublishOutcome& outcome, std::string_view user);

}  // namespace notifyd::sdk::api
