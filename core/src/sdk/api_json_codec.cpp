#include "notifyd/sdk/api/json_codec.hpp"

#include "notifyd/sdk/utc_time.hpp"
#include "notifyd/sdk/utf8.hpp"

namespace notifyd::sdk::api {

void write_string(JsonWriter& out, std::string_view text) {
  const std::string valid = replace_invalid_utf8(text);
  out.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
}

void write_time_or_null(JsonWriter& out, std::int64_t epoch_ms) {
  if (epoch_ms <= 0) {
    out.Null();
    return;
  }
  write_string(out, format_utc_timestamp(epoch_ms, SecondFraction::milliseconds));
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
