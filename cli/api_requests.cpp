#include "api_requests.hpp"

#include <algorithm>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notifyd/sdk/base64.hpp"

namespace notifyctl {
namespace {

using ValidatingWriter = rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>,
                                           rapidjson::CrtAllocator, rapidjson::kWriteValidateEncodingFlag>;

bool write_string(ValidatingWriter& writer, std::string_view text) {
  return writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

std::optional<InvalidInput> write_labels(ValidatingWriter& writer, const NotificationLabels& labels) {
  if (labels.priority != notifyd::sdk::default_priority) {
    write_string(writer, "priority");
    writer.Int(static_cast<int>(labels.priority));
  }
  if (!labels.tags.empty()) {
    write_string(writer, "tags");
    writer.StartArray();
    for (const auto& tag : labels.tags) {
      if (!write_string(writer, tag)) return InvalidInput{"a tag is not valid UTF-8"};
    }
    writer.EndArray();
  }
  return std::nullopt;
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
    if (auto error = write_member("image", notifyd::sdk::base64_encode(*fields.image_bytes))) return *error;
  }
  if (auto error = write_labels(writer, fields.labels)) return *error;
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

namespace {

/// Appends `name=value` pairs to a path as a query string.
class QueryBuilder {
 public:
  explicit QueryBuilder(std::string path) : target_(std::move(path)) {}
  void add(std::string_view name, std::string_view value) {
    target_ += separator_;
    target_ += name;
    target_ += '=';
    target_ += percent_encode(value);
    separator_ = '&';
  }
  std::string take() { return std::move(target_); }

 private:
  std::string target_;
  char separator_ = '?';
};

std::string check_path(std::string_view name, std::string_view action) {
  return "/v1/checks/" + percent_encode(name) + "/" + std::string(action);
}

}  // namespace

std::string seed_text(std::string_view title, std::string_view message) {
  if (title.empty()) return std::string(message);
  if (message.empty()) return "*" + std::string(title) + "*";
  return "*" + std::string(title) + "*\n" + std::string(message);
}

std::variant<std::string, InvalidInput> send_request_body(std::string_view user, std::string_view text,
                                                          const NotificationLabels& labels) {
  rapidjson::StringBuffer buffer;
  ValidatingWriter writer(buffer);
  writer.StartObject();
  write_string(writer, "user");
  if (!write_string(writer, user)) return InvalidInput{"the user name is not valid UTF-8"};
  write_string(writer, "text");
  if (!write_string(writer, text)) return InvalidInput{"the message is not valid UTF-8"};
  write_string(writer, "parse_mode");
  write_string(writer, "Markdown");
  if (auto error = write_labels(writer, labels)) return *error;
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::variant<std::string, InvalidInput> send_photo_request_body(std::string_view user, std::string_view photo_path,
                                                                std::string_view caption,
                                                                const NotificationLabels& labels) {
  rapidjson::StringBuffer buffer;
  ValidatingWriter writer(buffer);
  writer.StartObject();
  write_string(writer, "user");
  if (!write_string(writer, user)) return InvalidInput{"the user name is not valid UTF-8"};
  write_string(writer, "photo_path");
  if (!write_string(writer, photo_path)) return InvalidInput{"image_path is not valid UTF-8"};
  write_string(writer, "caption");
  if (!write_string(writer, caption)) return InvalidInput{"the message is not valid UTF-8"};
  write_string(writer, "parse_mode");
  write_string(writer, "Markdown");
  if (auto error = write_labels(writer, labels)) return *error;
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

bool is_link_code(std::string_view code) {
  return code.size() == 6 && std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string link_request_body(const std::optional<std::string>& code, const std::optional<std::string>& user) {
  rapidjson::StringBuffer buffer;
  ValidatingWriter writer(buffer);
  writer.StartObject();
  if (code) {
    write_string(writer, "code");
    write_string(writer, *code);
  }
  if (user) {
    write_string(writer, "user");
    write_string(writer, *user);
  }
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string link_status_target(const std::optional<std::string>& user) {
  QueryBuilder query("/api/telegram/status");
  if (user) query.add("user", *user);
  return query.take();
}

std::string desktop_token_request_body(const std::string* user) {
  rapidjson::StringBuffer buffer;
  ValidatingWriter writer(buffer);
  writer.StartObject();
  if (user != nullptr) {
    write_string(writer, "user");
    write_string(writer, *user);
  }
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::variant<std::string, InvalidInput> token_create_body(const std::optional<std::string>& name,
                                                          const std::optional<std::string>& expires,
                                                          const std::optional<std::string>& user) {
  rapidjson::StringBuffer buffer;
  ValidatingWriter writer(buffer);
  writer.StartObject();
  for (const auto& [member, value] : {std::pair{"name", &name}, std::pair{"expires", &expires}, std::pair{"user", &user}}) {
    if (!*value) continue;
    write_string(writer, member);
    if (!write_string(writer, **value)) return InvalidInput{std::string("the ") + member + " is not UTF-8 text"};
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string tokens_request_target(std::string_view id, const std::optional<std::string>& user) {
  QueryBuilder query(id.empty() ? std::string("/v1/tokens") : "/v1/tokens/" + percent_encode(id));
  if (user) query.add("user", *user);
  return query.take();
}

std::string checks_request_target(const std::optional<std::string>& user) {
  QueryBuilder query("/v1/checks");
  if (user) query.add("user", *user);
  return query.take();
}

std::string run_request_target(std::string_view name, const std::optional<std::string>& user) {
  QueryBuilder query(check_path(name, "run"));
  if (user) query.add("user", *user);
  return query.take();
}

std::string runs_request_target(std::string_view name, const std::optional<std::string>& user,
                                std::optional<std::uint32_t> limit) {
  QueryBuilder query(check_path(name, "runs"));
  if (user) query.add("user", *user);
  if (limit) query.add("limit", std::to_string(*limit));
  return query.take();
}

std::string history_request_target(const std::optional<std::string>& user, std::optional<std::uint32_t> limit,
                                   std::optional<std::uint64_t> before_id,
                                   std::optional<notifyd::sdk::Priority> min_priority, std::string_view tag) {
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
  if (min_priority) add_parameter("min_priority", notifyd::sdk::priority_name(*min_priority));
  if (!tag.empty()) add_parameter("tag", tag);
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
