#include "notifyd/sdk/api/token_codecs.hpp"

namespace notifyd::sdk::api {
namespace {

constexpr auto info_members = [](auto& m, auto& token) {
  m.nonempty_text("id", token.id);
  m.text("name", token.name);
  m.text("user", token.user);
  m.time("created_at", token.created_at);
  m.time_or_null("expires_at", token.expires_at);
  m.flag("expired", token.expired);
};

constexpr auto list_members = [](auto& m, auto& list) { m.list("tokens", list.tokens); };

constexpr auto issued_members = [](auto& m, auto& issued) {
  m.nonempty_text("token", issued.token);
  m.object("issued", issued.issued);
};

}  // namespace

void JsonCodec<ApiTokenInfo>::write(JsonWriter& out, const ApiTokenInfo& value) { write_object(out, value, info_members); }
Status JsonCodec<ApiTokenInfo>::read(const rapidjson::Value& value, const std::string& where, ApiTokenInfo& out) {
  return read_object(value, where, out, info_members);
}

void JsonCodec<ApiTokenList>::write(JsonWriter& out, const ApiTokenList& value) { write_object(out, value, list_members); }
Status JsonCodec<ApiTokenList>::read(const rapidjson::Value& value, const std::string& where, ApiTokenList& out) {
  return read_object(value, where, out, list_members);
}

void JsonCodec<IssuedApiToken>::write(JsonWriter& out, const IssuedApiToken& value) {
  write_object(out, value, issued_members);
}
Status JsonCodec<IssuedApiToken>::read(const rapidjson::Value& value, const std::string& where, IssuedApiToken& out) {
  return read_object(value, where, out, issued_members);
}

}  // namespace notifyd::sdk::api
