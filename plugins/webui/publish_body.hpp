#pragma once
// What a token-authenticated `POST /v1/notify` on the web listener asks for,
// as the JSON body the socket API's `/v1/notify` takes. Pure functions, tested
// without a network.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/validated.hpp"

namespace notifyd::webui {

/// Longest `Idempotency-Key`.
inline constexpr std::size_t max_idempotency_key_bytes = 255;

/// The JSON text of a `/v1/notify` body for `owner` (the token's user), to be
/// read by `sdk::api::parse_notify_body`:
/// - a body with `Content-Type: application/json` is that object; a `user`
///   member naming someone else is 403, none means `owner`;
/// - any other body is the message, as plain text (UTF-8, else 400);
/// - the headers `Title`, `Priority`, `Tags` (or `X-Title`, `X-Priority`,
///   `X-Tags`, ntfy's names) fill `title`, `priority` (a number when it is
///   digits, else the name as given) and `tags` (the comma-separated list)
///   where the body does not set them.
/// 400 for a body that is not a JSON object or a header that is not UTF-8.
sdk::Validated<std::string> notify_body_of(const sdk::HttpRequest& request, std::string_view owner);

/// The request's `Idempotency-Key`: nullopt when absent; 400 unless it is 1 to
/// `max_idempotency_key_bytes` visible ASCII characters.
sdk::Validated<std::optional<std::string>> idempotency_key_of(const sdk::HttpRequest& request);

}  // namespace notifyd::webui
