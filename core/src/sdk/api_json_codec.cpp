#include "notifyd/sdk/api/json_codec.hpp"

#include "notifyd/sdk/utc_time.hpp"
#include "notifyd/sdk/utf8.hpp"

namespace notifyd::sdk::api {
namespace {

// Any bytes as a JSON string; invalid UTF-8 is replaced, never written raw.
void write_string(JsonWriter& out, std::string_view text) {
  const std::string valid = replace_invalid_utf8(text);
  out.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
}

}  // namespace

JsonObjectWriter::JsonObjectWriter(JsonWriter& out) : out_(out) { out_.StartObject(); }

void JsonObjectWriter::end() { out_.EndObject(); }

void JsonObjectWriter::key(std::string_view name) {
  out_.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
}

void JsonObjectWriter::null(std::string_view name) {
  key(name);
  out_.Null();
}

void JsonObjectWriter::text(std::string_view name, const std::string& value) {
  key(name);
  write_string(out_, value);
}

void JsonObjectWriter::nonempty_text(std::string_view name, const std::string& value) { text(name, value); }

void JsonObjectWriter::optional_text(std::string_view name, const std::string& value) {
  if (!value.empty()) text(name, value);
}

void JsonObjectWriter::text_or_null(std::string_view name, const std::string& value) {
  if (value.empty()) return null(name);
  text(name, value);
}

void JsonObjectWriter::count(std::string_view name, std::uint64_t value) {
  key(name);
  out_.Uint64(value);
}

void JsonObjectWriter::count(std::string_view name, std::uint32_t value) {
  key(name);
  out_.Uint(value);
}

void JsonObjectWriter::count_or_null(std::string_view name, std::uint64_t value) {
  if (value == 0) return null(name);
  count(name, value);
}

void JsonObjectWriter::count_or_null(std::string_view name, const std::optional<std::uint64_t>& value) {
  if (!value) return null(name);
  count(name, *value);
}

void JsonObjectWriter::integer(std::string_view name, std::int64_t value) {
  key(name);
  out_.Int64(value);
}

void JsonObjectWriter::integer_or_null(std::string_view name, const std::optional<int>& value) {
  if (!value) return null(name);
  key(name);
  out_.Int(*value);
}

void JsonObjectWriter::milliseconds(std::string_view name, std::chrono::milliseconds value) {
  integer(name, value.count());
}

void JsonObjectWriter::flag(std::string_view name, bool value) {
  key(name);
  out_.Bool(value);
}

void JsonObjectWriter::optional_flag(std::string_view name, const std::optional<bool>& value) {
  if (value) flag(name, *value);
}

void JsonObjectWriter::must_be_true(std::string_view name) { flag(name, true); }

void JsonObjectWriter::time(std::string_view name, std::int64_t epoch_ms) {
  text(name, format_utc_timestamp(epoch_ms, SecondFraction::milliseconds));
}

void JsonObjectWriter::time_or_null(std::string_view name, std::int64_t epoch_ms) {
  if (epoch_ms <= 0) return null(name);
  time(name, epoch_ms);
}

void JsonObjectWriter::text_format(std::string_view name, TextFormat format) {
  text(name, std::string(text_format_name(format)));
}

void JsonObjectWriter::priority(std::string_view name, Priority priority) {
  count(name, static_cast<std::uint32_t>(priority));
}

void JsonObjectWriter::data_object(std::string_view name, const std::string& data_json) {
  rapidjson::Document document;
  if (data_json.empty() || !parse_json(data_json, document) || !document.IsObject()) return null(name);
  const std::string compact = json_text(document);
  key(name);
  out_.RawValue(compact.data(), compact.size(), rapidjson::kObjectType);
}

void JsonObjectWriter::image_flag(std::string_view name, const std::string& image_path) {
  flag(name, !image_path.empty());
}

void JsonObjectWriter::figures(std::string_view name, const std::vector<HealthFigure>& figures) {
  if (figures.empty()) return;
  key(name);
  out_.StartObject();
  for (const HealthFigure& figure : figures) {
    const std::string figure_name = replace_invalid_utf8(figure.name);
    out_.Key(figure_name.data(), static_cast<rapidjson::SizeType>(figure_name.size()));
    out_.Uint64(figure.value);
  }
  out_.EndObject();
}

void JsonObjectWriter::text_list(std::string_view name, const std::vector<std::string>& values) {
  key(name);
  out_.StartArray();
  for (const std::string& value : values) write_string(out_, value);
  out_.EndArray();
}

JsonObjectReader::JsonObjectReader(const rapidjson::Value& value, std::string where)
    : value_(value), where_(std::move(where)) {
  if (!value_.IsObject()) status_ = Status::failure((where_.empty() ? std::string("the answer") : where_) + " must be an object");
}

std::string JsonObjectReader::path(std::string_view name) const {
  return where_.empty() ? std::string(name) : where_ + '.' + std::string(name);
}

const rapidjson::Value* JsonObjectReader::find(std::string_view name) const noexcept { return json_member(value_, name); }

void JsonObjectReader::fail(std::string_view name, std::string_view problem) {
  if (status_) status_ = Status::failure(path(name) + ' ' + std::string(problem));
}

bool JsonObjectReader::keep(Status status) {
  if (!status && status_) status_ = std::move(status);
  return status_.ok;
}

const rapidjson::Value* JsonObjectReader::require(std::string_view name) {
  if (!status_) return nullptr;
  const rapidjson::Value* value = find(name);
  if (value == nullptr) fail(name, "is missing");
  return value;
}

void JsonObjectReader::text(std::string_view name, std::string& out) {
  const rapidjson::Value* value = require(name);
  if (value == nullptr) return;
  if (!value->IsString()) return fail(name, "must be a string");
  out.assign(value->GetString(), value->GetStringLength());
}

void JsonObjectReader::nonempty_text(std::string_view name, std::string& out) {
  text(name, out);
  if (status_ && out.empty()) fail(name, "is empty");
}

void JsonObjectReader::optional_text(std::string_view name, std::string& out) {
  const rapidjson::Value* value = status_ ? find(name) : nullptr;
  if (value == nullptr || value->IsNull()) return;
  if (!value->IsString()) return fail(name, "must be a string or null");
  out.assign(value->GetString(), value->GetStringLength());
}

void JsonObjectReader::count(std::string_view name, std::uint64_t& out) {
  const rapidjson::Value* value = require(name);
  if (value == nullptr) return;
  if (!value->IsUint64()) return fail(name, "must be a non-negative integer");
  out = value->GetUint64();
}

void JsonObjectReader::count(std::string_view name, std::uint32_t& out) {
  const rapidjson::Value* value = require(name);
  if (value == nullptr) return;
  if (!value->IsUint()) return fail(name, "must be a non-negative integer below 2^32");
  out = value->GetUint();
}

void JsonObjectReader::count_or_null(std::string_view name, std::uint64_t& out) {
  std::optional<std::uint64_t> count;
  count_or_null(name, count);
  out = count.value_or(0);
}

void JsonObjectReader::count_or_null(std::string_view name, std::optional<std::uint64_t>& out) {
  const rapidjson::Value* value = require(name);
  if (value == nullptr || value->IsNull()) return;
  if (!value->IsUint64()) return fail(name, "must be a non-negative integer or null");
  out = value->GetUint64();
}

void JsonObjectReader::integer(std::string_view name, std::int64_t& out) {
  const rapidjson::Value* value = require(name);
  if (value == nullptr) return;
  if (!value->IsInt64()) return fail(name, "must be an integer");
  out = value->GetInt64();
}

void JsonObjectReader::integer_or_null(std::string_view name, std::optional<int>& out) {
  const rapidjson::Value* value = require(name);
  if (value == nullptr || value->IsNull()) return;
  if (!value->IsInt()) return fail(name, "must be an integer or null");
  out = value->GetInt();
}

void JsonObjectReader::flag(std::string_view name, bool& out) {
  const rapidjson::Value* value = require(name);
  if (value == nullptr) return;
  if (!value->IsBool()) return fail(name, "must be true or false");
  out = value->GetBool();
}

void JsonObjectReader::optional_flag(std::string_view name, std::optional<bool>& out) {
  const rapidjson::Value* value = status_ ? find(name) : nullptr;
  if (value == nullptr || value->IsNull()) return;
  if (!value->IsBool()) return fail(name, "must be true, false or null");
  out = value->GetBool();
}

void JsonObjectReader::text_or_null(std::string_view name, std::string& out) {
  const rapidjson::Value* value = require(name);
  if (value == nullptr || value->IsNull()) return;
  if (!value->IsString()) return fail(name, "must be a string or null");
  out.assign(value->GetString(), value->GetStringLength());
}

void JsonObjectReader::milliseconds(std::string_view name, std::chrono::milliseconds& out) {
  std::int64_t count = 0;
  integer(name, count);
  out = std::chrono::milliseconds(count);
}

void JsonObjectReader::must_be_true(std::string_view name) {
  bool value = false;
  flag(name, value);
  if (status_ && !value) fail(name, "must be true");
}

void JsonObjectReader::text_format(std::string_view name, TextFormat& out) {
  std::string wire_name;
  text(name, wire_name);
  if (!status_) return;
  if (const auto format = parse_text_format(wire_name)) {
    out = *format;
  } else {
    fail(name, "must be plain, Markdown, MarkdownV2 or HTML");
  }
}

void JsonObjectReader::priority(std::string_view name, Priority& out) {
  const rapidjson::Value* value = status_ ? find(name) : nullptr;
  if (value == nullptr) return;
  const auto priority = value->IsInt64() ? priority_from_number(value->GetInt64()) : std::nullopt;
  if (!priority) return fail(name, "must be an integer from 1 to 5");
  out = *priority;
}

void JsonObjectReader::data_object(std::string_view name, std::string& data_json) {
  const rapidjson::Value* value = require(name);
  if (value == nullptr || value->IsNull()) return;
  if (!value->IsObject()) return fail(name, "must be an object or null");
  data_json = json_text(*value);
}

void JsonObjectReader::image_flag(std::string_view name, std::string& image_path) {
  bool image = false;
  flag(name, image);
  if (image) image_path = withheld_image_path;
}

void JsonObjectReader::figures(std::string_view name, std::vector<HealthFigure>& out) {
  const rapidjson::Value* value = status_ ? find(name) : nullptr;
  if (value == nullptr) return;
  if (!value->IsObject()) return fail(name, "must be an object of counts");
  for (const auto& figure : value->GetObject()) {
    std::string figure_name(figure.name.GetString(), figure.name.GetStringLength());
    if (!figure.value.IsUint64()) return fail(std::string(name) + '.' + figure_name, "must be a non-negative integer");
    out.push_back(HealthFigure{std::move(figure_name), figure.value.GetUint64()});
  }
}

void JsonObjectReader::text_list(std::string_view name, std::vector<std::string>& out) {
  const rapidjson::Value* value = require(name);
  if (value == nullptr) return;
  if (!value->IsArray()) return fail(name, "must be a list");
  for (rapidjson::SizeType i = 0; i < value->Size(); ++i) {
    const rapidjson::Value& element = (*value)[i];
    if (!element.IsString()) return fail(std::string(name) + '[' + std::to_string(i) + ']', "must be a string");
    out.emplace_back(element.GetString(), element.GetStringLength());
  }
}

void JsonObjectReader::time(std::string_view name, std::int64_t& out) {
  const rapidjson::Value* value = require(name);
  if (value == nullptr) return;
  const auto ms = value->IsString()
                      ? parse_utc_timestamp(std::string_view(value->GetString(), value->GetStringLength()))
                      : std::nullopt;
  if (!ms) return fail(name, "must be an ISO-8601 time");
  out = *ms;
}

void JsonObjectReader::time_or_null(std::string_view name, std::int64_t& out) {
  const rapidjson::Value* value = require(name);
  if (value == nullptr) return;
  if (value->IsNull()) {
    out = 0;
    return;
  }
  const auto ms = value->IsString()
                      ? parse_utc_timestamp(std::string_view(value->GetString(), value->GetStringLength()))
                      : std::nullopt;
  if (!ms) return fail(name, "must be an ISO-8601 time or null");
  out = *ms;
}

}  // namespace notifyd::sdk::api
