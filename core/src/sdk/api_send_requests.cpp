#include "notifyd/sdk/api/send_requests.hpp"

#include <limits>

#include <rapidjson/document.h>

#include "notifyd/sdk/api/history_codecs.hpp"
#include "notifyd/sdk/base64.hpp"
#include "notifyd/sdk/image.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/priority_json.hpp"
#include "notifyd/sdk/user_name.hpp"

namespace notifyd::sdk::api {
namespace {

sdk::HttpResponse bad_request(std::string_view message) { return sdk::HttpResponse::error(400, message); }

// Reads the members of one JSON object; the first problem becomes the error.
class BodyFields {
 public:
  explicit BodyFields(const rapidjson::Value& object) : object_(object) {}

  // A member that is present and not null, or nullptr.
  const rapidjson::Value* find(const char* name) const {
    const auto it = object_.FindMember(name);
    if (it == object_.MemberEnd() || it->value.IsNull()) return nullptr;
    return &it->value;
  }

  // A string that must be present and non-empty.
  std::string required_string(const char* name) {
    const rapidjson::Value* value = find(name);
    if (!value || (value->IsString() && value->GetStringLength() == 0)) {
      fail(std::string("missing field: ") + name);
      return {};
    }
    if (!value->IsString()) {
      fail(std::string("invalid field: ") + name + " (expected a string)");
      return {};
    }
    return std::string(value->GetString(), value->GetStringLength());
  }

  // A string that may be absent (then `fallback`).
  std::string optional_string(const char* name, std::string fallback = {}) {
    const rapidjson::Value* value = find(name);
    if (!value) return fallback;
    if (!value->IsString()) {
      fail(std::string("invalid field: ") + name + " (expected a string)");
      return fallback;
    }
    return std::string(value->GetString(), value->GetStringLength());
  }

  // The recipient: a required string that looks like a user name.
  std::string user(const char* name = "user") {
    std::string user = required_string(name);
    if (!failed() && !sdk::is_valid_user_name(user)) fail(std::string("invalid field: ") + name);
    return user;
  }

  // A text format named by `name`; Markdown when absent.
  sdk::TextFormat format(const char* name) {
    const std::string text = optional_string(name);
    if (failed()) return sdk::TextFormat::markdown;
    const auto format = sdk::parse_text_format(text);
    if (!format) {
      fail(std::string("invalid field: ") + name + " (expected Markdown, MarkdownV2, HTML or plain)");
      return sdk::TextFormat::markdown;
    }
    return *format;
  }

  // `priority` (a number 1–5 or a name) and `tags` (an array of strings); absent is the default and none.
  void priority_and_tags(sdk::Priority& priority_out, std::vector<std::string>& tags_out) {
    if (const rapidjson::Value* priority = find("priority"); priority && !failed()) {
      auto read = sdk::priority_from_json(*priority);
      if (!read) return fail("invalid field: priority (" + read.error() + ")");
      priority_out = read.value();
    }
    if (const rapidjson::Value* tags = find("tags"); tags && !failed()) {
      auto read = sdk::tags_from_json(*tags);
      if (!read) return fail("invalid field: tags (" + read.error() + ")");
      tags_out = std::move(read).value();
    }
  }

  void fail(std::string message) {
    if (!error_) error_ = bad_request(message);
  }
  void fail(sdk::HttpResponse response) {
    if (!error_) error_ = std::move(response);
  }
  bool failed() const noexcept { return error_.has_value(); }
  sdk::HttpResponse error() const { return *error_; }

 private:
  const rapidjson::Value& object_;
  std::optional<sdk::HttpResponse> error_;
};

// The body limit has bounded the size already.
constexpr sdk::JsonLimits body_json_limits{.max_bytes = std::numeric_limits<std::size_t>::max()};

// Parses a body that must be one JSON object.
bool parse_object(std::string_view body, rapidjson::Document& document) {
  return sdk::parse_json(body, document, body_json_limits) && document.IsObject();
}

const sdk::HttpResponse& invalid_json() {
  static const sdk::HttpResponse response = bad_request("invalid JSON");
  return response;
}

}  // namespace

Validated<sdk::PublishRequest> parse_send_body(std::string_view body) {
  rapidjson::Document document;
  if (!parse_object(body, document)) return invalid_json();
  BodyFields fields(document);
  sdk::PublishRequest request;
  auto& notification = request.notification;
  notification.user = fields.user();
  notification.message = fields.required_string("text");
  notification.format = fields.format("parse_mode");
  notification.source = "api";
  fields.priority_and_tags(notification.priority, notification.tags);
  if (fields.failed()) return fields.error();
  return request;
}

Validated<PhotoSend> parse_send_photo_body(std::string_view body) {
  rapidjson::Document document;
  if (!parse_object(body, document)) return invalid_json();
  BodyFields fields(document);
  PhotoSend send;
  send.user = fields.user();
  send.photo_path = fields.required_string("photo_path");
  send.caption = fields.optional_string("caption");
  send.format = fields.format("parse_mode");
  fields.priority_and_tags(send.priority, send.tags);
  if (fields.failed()) return fields.error();
  return send;
}

Validated<sdk::PublishRequest> parse_notify_body(std::string_view body, std::uint64_t image_max_bytes) {
  rapidjson::Document document;
  if (!parse_object(body, document)) return invalid_json();
  BodyFields fields(document);
  sdk::PublishRequest request;
  auto& notification = request.notification;
  notification.user = fields.user();
  notification.title = fields.optional_string("title");
  notification.message = fields.optional_string("message");
  notification.format = fields.format("format");
  notification.source = fields.optional_string("source", "api");
  if (!fields.failed() && (notification.source.empty() || notification.source.size() > max_source_bytes)) {
    fields.fail("invalid field: source");
  }
  fields.priority_and_tags(notification.priority, notification.tags);

  if (const rapidjson::Value* data = fields.find("data"); data && !fields.failed()) {
    if (!data->IsObject()) {
      fields.fail("invalid field: data (expected an object)");
    } else {
      notification.data_json = sdk::json_text(*data);
    }
  }

  if (const rapidjson::Value* channels = fields.find("channels"); channels && !fields.failed()) {
    if (!channels->IsArray() || channels->Size() > max_channel_names) {
      fields.fail("invalid field: channels (expected an array of channel names)");
    } else {
      for (const auto& channel : channels->GetArray()) {
        if (!channel.IsString() || channel.GetStringLength() == 0) {
          fields.fail("invalid field: channels (expected an array of channel names)");
          break;
        }
        request.channels.emplace_back(channel.GetString(), channel.GetStringLength());
      }
    }
  }

  if (const rapidjson::Value* image = fields.find("image"); image && !fields.failed()) {
    if (!image->IsString()) {
      fields.fail("invalid field: image (expected a base64 string)");
    } else {
      std::string_view text(image->GetString(), image->GetStringLength());
      if (text.starts_with("data:")) {
        const auto comma = text.find(',');
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
      }
      // Four base64 characters carry three bytes; refuse before decoding what cannot fit.
      if (text.size() / 4 * 3 > image_max_bytes + 3) {
        fields.fail(sdk::HttpResponse::error(413, "image is larger than " + std::to_string(image_max_bytes) + " bytes"));
      } else if (auto bytes = sdk::base64_decode_lenient(text); !bytes || bytes->empty()) {
        fields.fail("invalid field: image (expected a base64 string)");
      } else if (bytes->size() > image_max_bytes) {
        fields.fail(sdk::HttpResponse::error(413, "image is larger than " + std::to_string(image_max_bytes) + " bytes"));
      } else if (const auto type = sdk::sniff_image_type(*bytes); !type) {
        fields.fail(sdk::HttpResponse::error(415, "image is not a PNG, JPEG, GIF or WebP image"));
      } else {
        notification.image_type = *type;
        request.image = sdk::ImageUpload{std::move(*bytes), *type};
      }
    }
  }

  if (!fields.failed() && notification.message.empty() && !request.image) fields.fail("missing field: message");
  if (fields.failed()) return fields.error();
  return request;
}

std::optional<sdk::HttpResponse> refuse_unless_may_act_for(const sdk::Caller& caller, std::string_view user) {
  if (caller.may_act_for(user)) return std::nullopt;
  const std::string who = caller.user.empty() ? std::string("an unidentified caller") : caller.user;
  return sdk::HttpResponse::error(403, who + " may only send to itself");
}

sdk::HttpResponse publish_response(const sdk::PublishOutcome& outcome, std::string_view user) {
  using Code = sdk::PublishOutcome::Code;
  switch (outcome.code) {
    case Code::accepted:
      return sdk::HttpResponse::json(200, sdk::api::to_json(outcome));
    case Code::not_linked:
      return sdk::HttpResponse::error(
          404, outcome.message.empty() ? "user " + std::string(user) + " has no linked channel" : outcome.message);
    case Code::invalid:
      return sdk::HttpResponse::error(400, outcome.message.empty() ? "invalid notification" : outcome.message);
    case Code::unavailable:
      break;
  }
  return sdk::HttpResponse::error(503, outcome.message.empty() ? "notification store unavailable" : outcome.message);
}

}  // namespace notifyd::sdk::api
