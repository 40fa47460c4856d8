#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace notifyctl {

/// What `POST /v1/notify` carries; absent fields are left to the daemon's defaults.
struct NotifyFields {
  std::optional<std::string> user;
  std::optional<std::string> title;
  std::string message;
  std::optional<std::string> format;
  std::optional<std::string> source;
  std::optional<std::string> image_bytes;  ///< the file's bytes; sent base64-encoded
};

/// Local input that cannot be sent, e.g. a title that is not UTF-8.
struct InvalidInput {
  std::string message;
};

/// The JSON body of `POST /v1/notify`.
std::variant<std::string, InvalidInput> notify_request_body(const NotifyFields& fields);

/// `/v1/history` with its query string, parameters URL-encoded.
std::string history_request_target(const std::optional<std::string>& user, std::optional<std::uint32_t> limit,
                                   std::optional<std::uint64_t> before_id);

/// RFC 3986 percent-encoding of everything but unreserved characters.
std::string percent_encode(std::string_view text);

}  // namespace notifyctl
