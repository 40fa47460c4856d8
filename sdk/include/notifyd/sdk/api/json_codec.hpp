#pragma once
// The wire format of the daemon's HTTP API (`/v1/...`, `/api/...`): one codec
// per API type, used by the routes that answer and by notifyctl, which
// decodes. `JsonCodec<T>` is specialized once per type (the api/*_codec.hpp
// headers); `to_json` and `from_json` wrap it for whole bodies. Implemented in
// the small `notifyd_api` library, which libnotifyd-core and notifyctl link.
// RapidJSON types; a user adds RapidJSON's include directory.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notifyd/sdk/health_figure.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/notification.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk::api {

/// What every codec writes to: compact JSON.
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

/// The encoder and decoder of one API type `T`; specialized per type (with
/// `NOTIFYD_API_JSON_CODEC`) with `static void write(JsonWriter&, const T&)`
/// and `static Status read(const rapidjson::Value&, const std::string& where, T&)`,
/// where `where` names the value in errors (`runs[2]`, empty for a whole body).
/// The library lists each type's members once, for both directions, as calls
/// on a `JsonObjectWriter` or `JsonObjectReader` (same names, same meaning).
template <class T>
struct JsonCodec;

/// Declares `JsonCodec<Type>`; the `///` comment above it states the wire shape.
#define NOTIFYD_API_JSON_CODEC(Type)                                                      \
  template <>                                                                             \
  struct JsonCodec<Type> {                                                                \
    static void write(JsonWriter& out, const Type& value);                                \
    static Status read(const rapidjson::Value& value, const std::string& where, Type& out); \
  }

/// The daemon does not say where it keeps a notification's image, only that
/// there is one (`"image": true`): a decoded notification with an image has
/// this `image_path`.
inline constexpr std::string_view withheld_image_path = "(kept by notifyd)";

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

/// Writes the members of one JSON object for a codec's `write`, in the order
/// called; each call mirrors the `JsonObjectReader` call of the same name.
class JsonObjectWriter {
 public:
  /// Starts the object; `end` closes it.
  explicit JsonObjectWriter(JsonWriter& out);
  void end();

  void text(std::string_view name, const std::string& value);
  void nonempty_text(std::string_view name, const std::string& value);
  /// Only when not empty.
  void optional_text(std::string_view name, const std::string& value);
  /// Null when empty.
  void text_or_null(std::string_view name, const std::string& value);
  void count(std::string_view name, std::uint64_t value);
  void count(std::string_view name, std::uint32_t value);
  /// Null when 0.
  void count_or_null(std::string_view name, std::uint64_t value);
  void count_or_null(std::string_view name, const std::optional<std::uint64_t>& value);
  void integer(std::string_view name, std::int64_t value);
  void integer_or_null(std::string_view name, const std::optional<int>& value);
  void milliseconds(std::string_view name, std::chrono::milliseconds value);
  void flag(std::string_view name, bool value);
  /// Only when set.
  void optional_flag(std::string_view name, const std::optional<bool>& value);
  /// `true`, always: a member that marks an answer (`"ok": true`).
  void must_be_true(std::string_view name);
  /// ISO-8601 with milliseconds.
  void time(std::string_view name, std::int64_t epoch_ms);
  /// Null when 0 or less (never happened).
  void time_or_null(std::string_view name, std::int64_t epoch_ms);
  /// The wire name (`Markdown`, `plain`, …).
  void text_format(std::string_view name, TextFormat format);
  /// The level's number, 1–5.
  void priority(std::string_view name, Priority priority);
  /// A kept JSON object, or null when empty or not an object.
  void data_object(std::string_view name, const std::string& data_json);
  /// Whether there is an image; its path is never written.
  void image_flag(std::string_view name, const std::string& image_path);
  /// `{"connections": 3, ...}` in order, only when there are any.
  void figures(std::string_view name, const std::vector<HealthFigure>& figures);
  void text_list(std::string_view name, const std::vector<std::string>& values);

  template <class T>
  void object(std::string_view name, const T& value) {
    key(name);
    JsonCodec<T>::write(out_, value);
  }
  template <class T>
  void object_or_null(std::string_view name, const std::optional<T>& value) {
    if (!value) return null(name);
    object(name, *value);
  }
  template <class T>
  void list(std::string_view name, const std::vector<T>& values) {
    key(name);
    out_.StartArray();
    for (const T& value : values) JsonCodec<T>::write(out_, value);
    out_.EndArray();
  }

 private:
  void key(std::string_view name);
  void null(std::string_view name);

  JsonWriter& out_;
};

/// Reads the members of one JSON object for a codec's `read`, keeping the
/// first problem: a member that is missing or has the wrong type leaves the
/// target at its default and makes `status()` a failure naming the member.
class JsonObjectReader {
 public:
  /// `where` names the object in errors (empty for a whole body).
  JsonObjectReader(const rapidjson::Value& value, std::string where);

  /// A required string member.
  void text(std::string_view name, std::string& out);
  /// A required string member that must not be empty.
  void nonempty_text(std::string_view name, std::string& out);
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

  /// A required string or null (then empty).
  void text_or_null(std::string_view name, std::string& out);
  /// A required integer count of milliseconds.
  void milliseconds(std::string_view name, std::chrono::milliseconds& out);
  /// A required `true`.
  void must_be_true(std::string_view name);
  /// A required text format's wire name.
  void text_format(std::string_view name, TextFormat& out);
  /// A priority 1–5; absent (a daemon from before priorities) leaves `out` as it is.
  void priority(std::string_view name, Priority& out);
  /// A required object (kept as compact JSON text) or null (then empty).
  void data_object(std::string_view name, std::string& data_json);
  /// A required boolean; true sets `withheld_image_path`.
  void image_flag(std::string_view name, std::string& image_path);
  /// An object of non-negative counts that may be absent.
  void figures(std::string_view name, std::vector<HealthFigure>& out);
  /// A required list of strings.
  void text_list(std::string_view name, std::vector<std::string>& out);

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

/// `JsonCodec<T>::write` from a member list `members(JsonObjectWriter&, const T&)`.
template <class T, class Members>
void write_object(JsonWriter& out, const T& value, Members members) {
  JsonObjectWriter writer(out);
  members(writer, value);
  writer.end();
}

/// `JsonCodec<T>::read` from the same member list `members(JsonObjectReader&, T&)`.
template <class T, class Members>
Status read_object(const rapidjson::Value& value, const std::string& where, T& out, Members members) {
  JsonObjectReader reader(value, where);
  members(reader, out);
  return reader.status();
}

}  // namespace notifyd::sdk::api
