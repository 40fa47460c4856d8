#include "dispatch_request.hpp"

#include <utility>

#include <rapidjson/document.h>

#include "notifyd/sdk/image.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/stored_image.hpp"
#include "notifyd/sdk/user_name.hpp"

namespace notifyd::websocket {
namespace {

using Parsed = sdk::Result<DispatchRequest>;

// The string member `name` of `object` into `out`; false when present with another type.
bool read_string(const rapidjson::Value& object, const char* name, std::string& out) {
  const auto member = object.FindMember(name);
  if (member == object.MemberEnd() || member->value.IsNull()) return true;
  if (!member->value.IsString()) return false;
  out.assign(member->value.GetString(), member->value.GetStringLength());
  return true;
}

}  // namespace

std::optional<sdk::HttpResponse> refuse_dispatch_caller(const sdk::Caller& caller) {
  if (caller.user.empty()) return sdk::HttpResponse::error(401, "unknown caller");
  if (!caller.admin) return sdk::HttpResponse::error(403, "only root and the admin group may dispatch");
  return std::nullopt;
}

Parsed parse_dispatch_request(std::string_view body, std::string_view channel) {
  if (body.size() > max_dispatch_request_bytes) return Parsed::failure("request body too large");
  rapidjson::Document document;
  if (!sdk::parse_json(body, document) || !document.IsObject()) return Parsed::failure("invalid JSON");

  DispatchRequest request;
  auto& n = request.publish.notification;
  auto user = sdk::json_required_string(document, "user");
  if (!user) return Parsed::failure(user.error());
  n.user = std::move(user).value();
  if (!sdk::is_valid_user_name(n.user)) return Parsed::failure("invalid field: user must be a user name");

  const auto fields = document.FindMember("notification");
  if (fields == document.MemberEnd()) return Parsed::failure("missing field: notification");
  if (!fields->value.IsObject()) return Parsed::failure("invalid field: notification must be an object");
  const auto& object = fields->value;
  for (const auto& [name, out] : {std::pair<const char*, std::string*>{"title", &n.title},
                                  {"message", &n.message},
                                  {"script", &n.source},
                                  {"image_path", &request.image_path}}) {
    if (!read_string(object, name, *out)) {
      return Parsed::failure(std::string("invalid field: notification.") + name + " must be a string");
    }
  }
  if (!request.image_path.empty() && request.image_path.front() != '/') {
    return Parsed::failure("invalid field: notification.image_path must be an absolute path");
  }
  if (n.title.empty() && n.message.empty() && request.image_path.empty()) {
    return Parsed::failure("the notification needs a title, a message or an image_path");
  }
  if (n.source.empty()) n.source = "dispatch";
  if (const auto data = object.FindMember("data"); data != object.MemberEnd() && !data->value.IsNull()) {
    if (!data->value.IsObject()) return Parsed::failure("invalid field: notification.data must be an object");
    n.data_json = sdk::json_text(data->value);
  }
  request.publish.channels.emplace_back(channel);
  return request;
}

std::string attach_dispatch_image(DispatchRequest& request, const sdk::Caller& caller, std::uint64_t max_bytes) {
  if (request.image_path.empty()) return {};
  if (caller.user != "root") return "only root's dispatches carry images";
  sdk::Notification file;
  file.image_path = request.image_path;
  auto image = sdk::read_notification_image(file, max_bytes);
  if (!image) return image.error();
  const auto type = sdk::sniff_image_type(image.value().bytes);  // read_notification_image checked it is one
  request.publish.image = sdk::ImageUpload{std::move(image.value().bytes), *type};
  return {};
}

std::string dispatch_answer(std::size_t sent, std::uint64_t id, std::string_view warning) {
  std::string text = R"({"sent":)" + std::to_string(sent);
  if (id != 0) text += R"(,"id":")" + std::to_string(id) + '"';
  if (!warning.empty()) text += R"(,"warning":)" + sdk::json_quote(warning);
  text += '}';
  return text;
}

}  // namespace notifyd::websocket
