#include "operator_responses.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

namespace notifyctl {
namespace {

const rapidjson::Value* member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  const auto found = object.FindMember(name);
  return found == object.MemberEnd() ? nullptr : &found->value;
}

std::string string_member(const rapidjson::Value& object, const char* name) {
  const rapidjson::Value* value = member(object, name);
  if (value == nullptr || !value->IsString()) return {};
  return std::string(value->GetString(), value->GetStringLength());
}

LinkedUser decode_linked_user(const rapidjson::Value& object) {
  LinkedUser user;
  user.user = string_member(object, "user");
  if (const rapidjson::Value* chat = member(object, "chat_id"); chat != nullptr && chat->IsInt64()) {
    user.chat_id = chat->GetInt64();
  }
  user.linked_at = string_member(object, "linked_at");
  if (const rapidjson::Value* active = member(object, "active"); active != nullptr && active->IsBool()) {
    user.active = active->GetBool();
  }
  return user;
}

}  // namespace

std::variant<LinkedUserList, DecodeError> decode_linked_users(std::string_view body) {
  rapidjson::Document document;
  document.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (document.HasParseError()) {
    return DecodeError{std::string("invalid JSON from notifyd: ") + rapidjson::GetParseError_En(document.GetParseError()) +
                       " at offset " + std::to_string(document.GetErrorOffset())};
  }
  const rapidjson::Value* users = member(document, "users");
  if (users == nullptr || !users->IsArray()) return DecodeError{"unexpected answer from notifyd: no \"users\" list"};
  LinkedUserList list;
  for (const rapidjson::Value& user : users->GetArray()) {
    if (user.IsObject()) list.users.push_back(decode_linked_user(user));
  }
  return list;
}

}  // namespace notifyctl
