#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace notifyd::telegram {

/// Largest Bot API reply read (a full getUpdates batch fits many times over).
inline constexpr std::size_t max_reply_bytes = 8u << 20;

/// What one Bot API call answered, parsed defensively: any bytes in, a
/// well-formed value out.
struct ApiReply {
  long http_status = 0;        ///< 0 when no HTTP answer arrived
  bool ok = false;             ///< the reply's `ok` was true
  int error_code = 0;          ///< `error_code`, else the HTTP status of a failed reply
  std::string description;     ///< `description`, or what went wrong
  std::optional<std::chrono::seconds> retry_after;   ///< `parameters.retry_after`
  std::optional<std::int64_t> migrate_to_chat_id;    ///< `parameters.migrate_to_chat_id`
  std::string transport_error; ///< set when no usable HTTP answer arrived (network, timeout, too large)
  bool interrupted = false;    ///< the call was cut short because the plugin is stopping
  std::shared_ptr<const rapidjson::Document> document;  ///< the parsed reply, when it was JSON

  /// The reply's `result`, or nullptr.
  const rapidjson::Value* result() const noexcept;
  /// A one-line summary for logs and delivery errors ("429 Too Many Requests: retry after 3").
  std::string summary() const;
};

/// Parses a Bot API answer. A body that is not a JSON object, or lacks `ok`,
/// becomes a failed reply carrying the HTTP status.
ApiReply parse_api_reply(long http_status, std::string_view body);

/// A reply for a call that got no HTTP answer.
ApiReply transport_failure(std::string error, bool interrupted = false);

}  // namespace notifyd::telegram
