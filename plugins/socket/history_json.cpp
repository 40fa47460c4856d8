#include "history_json.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/notification.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "notifyd/sdk/utf8.hpp"

namespace notifyd::socket_api {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// An unsigned decimal number with nothing around it.
template <class T>
std::optional<T> parse_number(std::string_view text) {
  T value{};
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

// Any bytes as a JSON string (invalid UTF-8 is replaced, never written raw).
void put_string(JsonWriter& writer, std::string_view text) {
  const std::string quoted = sdk::json_quote(text);
  writer.RawValue(quoted.data(), quoted.size(), rapidjson::kStringType);
}

void put_key(JsonWriter& writer, const char* key) { writer.Key(key); }

// Stored `data` as a JSON object, or null when it is empty or not an object.
void put_data(JsonWriter& writer, const std::string& data_json) {
  rapidjson::Document document;
  if (data_json.empty() || !sdk::parse_json(data_json, document) || !document.IsObject()) {
    writer.Null();
    return;
  }
  const std::string compact = sdk::json_text(document);
  writer.RawValue(compact.data(), compact.size(), rapidjson::kObjectType);
}

void put_entry(JsonWriter& writer, const sdk::HistoryEntry& entry) {
  const auto& n = entry.notification;
  writer.StartObject();
  put_key(writer, "id");
  writer.Uint64(n.id);
  put_key(writer, "user");
  put_string(writer, n.user);
  put_key(writer, "title");
  put_string(writer, n.title);
  put_key(writer, "message");
  put_string(writer, n.message);
  put_key(writer, "format");
  put_string(writer, sdk::text_format_name(n.format));
  put_key(writer, "source");
  put_string(writer, n.source);
  put_key(writer, "data");
  put_data(writer, n.data_json);
  put_key(writer, "image");
  writer.Bool(!n.image_path.empty());
  put_key(writer, "created_at");
  put_string(writer, sdk::format_utc_timestamp(n.created_at_ms, sdk::SecondFraction::milliseconds));

  put_key(writer, "deliveries");
  writer.StartArray();
  for (const auto& delivery : entry.deliveries) {
    writer.StartObject();
    put_key(writer, "channel");
    put_string(writer, delivery.channel);
    put_key(writer, "state");
    put_string(writer, delivery.state);
    put_key(writer, "attempts");
    writer.Uint(delivery.attempts);
    put_key(writer, "last_error");
    put_string(writer, delivery.last_error);
    put_key(writer, "updated_at");
    put_string(writer, sdk::format_utc_timestamp(delivery.updated_at_ms, sdk::SecondFraction::milliseconds));
    writer.EndObject();
  }
  writer.EndArray();

  put_key(writer, "attempts");
  writer.StartArray();
  for (const auto& attempt : entry.attempts) {
    writer.StartObject();
    put_key(writer, "channel");
    put_string(writer, attempt.channel);
    put_key(writer, "at");
    put_string(writer, sdk::format_utc_timestamp(attempt.at_ms, sdk::SecondFraction::milliseconds));
    put_key(writer, "outcome");
    put_string(writer, attempt.outcome);
    put_key(writer, "error");
    put_string(writer, attempt.error);
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
}

}  // namespace

Validated<sdk::HistoryQuery> parse_history_query(const sdk::HttpRequest& request) {
  const sdk::Caller& caller = request.caller;
  sdk::HistoryQuery query;

  const auto user = request.param("user");
  if (user && !user->empty()) {
    if (!caller.may_act_for(*user)) {
      return sdk::HttpResponse::error(403, (caller.user.empty() ? std::string("an unidentified caller") : caller.user) +
                                               " may only read its own history");
    }
    query.user = std::string(*user);
  } else if (!caller.admin) {
    if (caller.user.empty()) return sdk::HttpResponse::error(403, "an unidentified caller has no history");
    query.user = caller.user;
  }

  query.limit = default_history_limit;
  if (const auto limit = request.param("limit")) {
    const auto value = parse_number<std::uint64_t>(*limit);
    if (!value || *value == 0) return sdk::HttpResponse::error(400, "invalid parameter: limit (expected 1 to 500)");
    query.limit = static_cast<std::uint32_t>(std::min<std::uint64_t>(*value, max_history_limit));
  }
  if (const auto before = request.param("before")) {
    const auto value = parse_number<std::uint64_t>(*before);
    if (!value) return sdk::HttpResponse::error(400, "invalid parameter: before (expected a notification id)");
    query.before_id = *value;
  }
  return query;
}

sdk::Result<std::string> render_history_page(const sdk::HistoryQuery& query, std::size_t max_bytes,
                                             const HistoryFetch& fetch) {
  // Entries read from the store at once: small, so that a page of large
  // entries never holds more than a few of them beside the answer.
  constexpr std::uint32_t batch_entries = 8;
  static constexpr std::string_view head = R"({"notifications":[)";
  std::string body(head);
  std::uint32_t count = 0;
  std::optional<std::uint64_t> next_before;
  std::uint64_t oldest = 0;  // the last (oldest) id answered so far
  sdk::HistoryQuery batch = query;
  for (;;) {
    batch.limit = std::min(batch_entries, query.limit - count);
    auto entries = fetch(batch);
    if (!entries) return sdk::Result<std::string>::failure(entries.error());
    bool full = false;
    for (const auto& entry : entries.value()) {
      rapidjson::StringBuffer buffer;
      JsonWriter writer(buffer);
      put_entry(writer, entry);
      // Room is kept for the separator and the closing `],"next_before":<id>}`.
      if (count > 0 && body.size() + buffer.GetSize() + 48 > max_bytes) {
        full = true;
        break;
      }
      if (count > 0) body += ',';
      body.append(buffer.GetString(), buffer.GetSize());
      oldest = entry.notification.id;
      ++count;
    }
    if (full || (count >= query.limit && entries.value().size() == batch.limit)) {
      next_before = oldest;
      break;
    }
    if (entries.value().size() < batch.limit || oldest <= 1) break;
    batch.before_id = oldest;
  }
  body += R"(],"next_before":)";
  body += next_before ? std::to_string(*next_before) : std::string("null");
  body += '}';
  return body;
}

std::string render_health(const std::vector<sdk::ChannelHealth>& channels) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  put_key(writer, "status");
  writer.String("ok");
  put_key(writer, "channels");
  writer.StartArray();
  for (const auto& channel : channels) {
    writer.StartObject();
    put_key(writer, "channel");
    put_string(writer, channel.channel);
    put_key(writer, "pending");
    writer.Uint64(channel.pending);
    put_key(writer, "in_flight");
    writer.Uint64(channel.in_flight);
    put_key(writer, "retrying");
    writer.Uint64(channel.retrying);
    put_key(writer, "delivered");
    writer.Uint64(channel.delivered);
    put_key(writer, "failed");
    writer.Uint64(channel.failed);
    if (!channel.state.empty()) {
      put_key(writer, "state");
      put_string(writer, channel.state);
    }
    if (!channel.last_error.empty()) {
      put_key(writer, "last_error");
      put_string(writer, channel.last_error);
    }
    if (!channel.figures.empty()) {
      put_key(writer, "figures");
      writer.StartObject();
      for (const auto& figure : channel.figures) {
        const std::string name = sdk::replace_invalid_utf8(figure.name);
        writer.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
        writer.Uint64(figure.value);
      }
      writer.EndObject();
    }
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace notifyd::socket_api
