#include "api_requests.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "base64.hpp"

namespace notifyctl {
namespace {

using ValidatingWriter = rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>,
                                           rapidjson::CrtAllocator, rapidjson::kWriteValidateEncodingFlag>;

bool write_string(ValidatingWriter& writer, std::string_view text) {
  return writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

}  // namespace

std::variant<std::string, InvalidInput> notify_request_body(const NotifyFields& fields) {
  rapidjson::StringBuffer buffer;
  ValidatingWriter writer(buffer);
  writer.StartObject();
  const auto write_member = [&](std::string_view name, const std::string& value) -> std::optional<InvalidInput> {
    write_string(writer, name);
    if (!write_string(writer, value)) return InvalidInput{std::string(name) + " is not valid UTF-8"};
    return std::nullopt;
  };
  const auto write_optional_member = [&](std::string_view name, const std::optional<std::string>& value) {
    return value ? write_member(name, *value) : std::nullopt;
  };
  if (auto error = write_optional_member("user", fields.user)) return *error;
  if (auto error = write_optional_member("title", fields.title)) return *error;
  if (auto error = write_member("message", fields.message)) return *error;
  if (auto error = write_optional_member("format", fields.format)) return *error;
  if (auto error = write_optional_member("source", fields.source)) return *error;
  if (fields.image_bytes) {
    if (auto error = write_member("image", base64_encode(*fields.image_bytes))) return *error;
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string history_request_target(const std::optional<std::string>& user, std::optional<std::uint32_t> limit,
                                   std::optional<std::uint64_t> before_id) {
  std::string target = "/v1/history";
  char separator = '?';
  const auto add_parameter = [&](std::string_view name, std::string_view value) {
    target += separator;
    target += name;
    target += '=';
    target += percent_encode(value);
    separator = '&';
  };
  if (user) add_parameter("user", *user);
  if (limit) add_parameter("limit", std::to_string(*limit));
  if (before_id) add_parameter("before", std::to_string(*before_id));
  return target;
}

std::string percent_encode(std::string_view text) {
  static constexpr char hex_digits[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                            (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' || byte == '_' || byte == '~';
    if (unreserved) {
      encoded += c;
    } else {
      encoded += '%';
      encoded += hex_digits[byte >> 4];
      encoded += hex_digits[byte & 0x0F];
    }
  }
  return encoded;
}

}  // namespace notifyctl
