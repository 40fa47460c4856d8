#pragma once
// The wire format of the daemon's HTTP API (`/v1/...`, `/api/...`): one codec
// per API type, used by the routes that answer and by notifyctl, which
// decodes. `JsonCodec<T>` is specialized once per type (the api/*_codec.hpp
// headers); `to_json` and `from_json` wrap it for whole bodies. Implemented in
// the small `notifyd_api` library, which libnotifyd-core and notifyctl link.
// RapidJSON types; a user adds RapidJSON's include directory.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk::api {

/// What every codec writes to: compact JSON.
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

/// The encoder and decoder of one API type `T`; specialized per type with
/// `static void write(JsonWriter&, const T&)` and
/// `static Status read(const rapidjson::Value&, const std::string& where, T&)`,
/// where `where` names the value in errors (`runs[2]`, empty for a whole body).
template <class T>
struct JsonCodec;

/// Any bytes as a JSON string; invalid UTF-8 is replaced, never written raw.
void write_string(JsonWriter& out, std::string_view text);

/// Unix epoch milliseconds as an ISO-8601 string with milliseconds, or null
/// when `epoch_ms` is 0 or less (never happened).
void write_time_or_null(JsonWriter& out, std::int64_t epoch_ms);

/// `value` encoded with its codec, as one compact JSON text.
template <class T>
std::string to_json(const T& value) {
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  JsonCodec<T>::write(out, value);
  return {buffer.GetString(), buffer.GetSize()};
}

/// Decodes a whole body (untrusted: parsed with `parse_json`). The failure
/// says what is wrong: `invalid JSON: ...`, `runs[0].outcome is missing`,
/// `run.exit_code must be an integer or null`.
template <class T>
Result<T> from_json(std::string_view body) {
  rapidjson::Document document;
  if (auto parsed = parse_json(body, document); !parsed) return Result<T>::failure("invalid JSON: " + parsed.message);
  T value{};
  if (auto read = JsonCodec<T>::read(document, std::string(), value); !read) return Result<T>::failure(read.message);
  return value;
}

/// Reads the members of one JSON object for a codec's `read`, keeping the
/// first problem: a member that is missing or has the wrong type leaves the
/// target at its default and makes `status()` a failure naming the member.
class JsonObjectReader {
 public:
  /// `where` names the object in errors (empty for a whole body).
  JsonObjectReader(const rapidjson::Value& value, std::string where);

  /// A required string member.
  void text(std::string_view name, std::string& out);
  /// A string member that may be absent or null (then empty).
  void optional_text(std::string_view name, std::string& out);
  /// A required non-negative integer.
  void count(std::string_view name, std::uint64_t& out);
  /// A required non-negative integer that fits 32 bits.
  void count(std::string_view name, std::uint32_t& out);
  /// A required non-negative integer or null (then 0).
  void count_or_null(std::string_view name, std::uint64_t& out);
  /// A required non-negative integer or null (then nothing).
  void count_or_null(std::string_view name, std::optional<std::uint64_t>& out);
  /// A required integer.
  void integer(std::string_view name, std::int64_t& out);
  /// A required integer that fits `int`, or null (then nothing).
  void integer_or_null(std::string_view name, std::optional<int>& out);
  /// A required boolean.
  void flag(std::string_view name, bool& out);
  /// A boolean that may be absent or null (then nothing).
  void optional_flag(std::string_view name, std::optional<bool>& out);
  /// A required ISO-8601 time (Unix epoch milliseconds out).
  void time(std::string_view name, std::int64_t& out);
  /// A required ISO-8601 time or null (then 0).
  void time_or_null(std::string_view name, std::int64_t& out);

  /// A required member decoded with its codec.
  template <class T>
  void object(std::string_view name, T& out) {
    if (const rapidjson::Value* value = require(name)) keep(JsonCodec<T>::read(*value, path(name), out));
  }
  /// A required member decoded with its codec, or null (then nothing).
  template <class T>
  void object_or_null(std::string_view name, std::optional<T>& out) {
    const rapidjson::Value* value = require(name);
    if (value == nullptr || value->IsNull()) return;
    T decoded{};
    if (keep(JsonCodec<T>::read(*value, path(name), decoded))) out = std::move(decoded);
  }
  /// A required array whose elements are decoded with their codec.
  template <class T>
  void list(std::string_view name, std::vector<T>& out) {
    const rapidjson::Value* value = require(name);
    if (value == nullptr) return;
    if (!value->IsArray()) return fail(name, "must be a list");
    out.reserve(value->Size());
    for (rapidjson::SizeType i = 0; i < value->Size() && status_; ++i) {
      T decoded{};
      if (keep(JsonCodec<T>::read((*value)[i], path(name) + '[' + std::to_string(i) + ']', decoded))) {
        out.push_back(std::move(decoded));
      }
    }
  }

  /// The member `name` (nullptr when absent) for what the getters above do not cover.
  const rapidjson::Value* find(std::string_view name) const noexcept;
  /// Records a problem with member `name` unless one is known already: `<where>.<name> <problem>`.
  void fail(std::string_view name, std::string_view problem);
  /// Success, or the first problem met.
  const Status& status() const noexcept { return status_; }
  /// `<where>.<name>`, or `name` for a whole body.
  std::string path(std::string_view name) const;

 private:
  const rapidjson::Value* require(std::string_view name);
  bool keep(Status status);

  const rapidjson::Value& value_;
  std::string where_;
  Status status_ = Status::success();
};

}  // namespace notifyd::sdk::api
