#include "desktop_user_ledger.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/user_name.hpp"

namespace notifyd::websocket {

sdk::Status DesktopUserLedger::load(const sdk::DocumentStore& store, std::string_view document, std::int64_t now) {
  auto content = store.read(document);
  if (!content) return sdk::Status::failure("cannot read " + std::string(document) + ": " + content.error());
  if (!content.value()) return sdk::Status::success();
  if (!merge(*content.value(), now)) {
    return sdk::Status::failure(std::string(document) + " is not a JSON object; fix or remove it");
  }
  return sdk::Status::success();
}

bool DesktopUserLedger::merge(std::string_view text, std::int64_t now) {
  rapidjson::Document parsed;
  if (!sdk::parse_json(text, parsed) || !parsed.IsObject()) return false;
  std::lock_guard lock(mutex_);
  for (const auto& member : parsed.GetObject()) {
    const std::string_view user(member.name.GetString(), member.name.GetStringLength());
    if (!sdk::is_valid_user_name(user) || !member.value.IsObject()) continue;
    const auto expires = member.value.FindMember("expires_at");
    if (expires == member.value.MemberEnd() || !expires->value.IsInt64()) continue;
    const std::int64_t expires_at = expires->value.GetInt64();
    if (expires_at <= now) continue;
    auto [it, added] = expires_at_.try_emplace(std::string(user), expires_at);
    if (!added && it->second < expires_at) it->second = expires_at;
  }
  return true;
}

bool DesktopUserLedger::record(std::string_view user, std::int64_t expires_at) {
  std::lock_guard lock(mutex_);
  auto it = expires_at_.find(user);
  if (it == expires_at_.end()) {
    expires_at_.emplace(std::string(user), expires_at);
    return true;
  }
  if (it->second >= expires_at) return false;
  it->second = expires_at;
  return true;
}

bool DesktopUserLedger::holds_token(std::string_view user, std::int64_t now) const {
  std::lock_guard lock(mutex_);
  const auto it = expires_at_.find(user);
  return it != expires_at_.end() && it->second > now;
}

std::string DesktopUserLedger::to_json(std::int64_t now) const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  {
    std::lock_guard lock(mutex_);
    for (const auto& [user, expires_at] : expires_at_) {
      if (expires_at <= now) continue;
      writer.Key(user.data(), static_cast<rapidjson::SizeType>(user.size()));
      writer.StartObject();
      writer.Key("expires_at");
      writer.Int64(expires_at);
      writer.EndObject();
    }
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

sdk::Status DesktopUserLedger::save(sdk::DocumentStore& store, std::string_view document, std::int64_t now) {
  auto saved = store.update(document, [&](const std::optional<std::string>& current)
                                          -> sdk::Result<std::optional<std::string>> {
    if (current) merge(*current, now);  // an unreadable document is replaced by what this replica knows
    return std::optional<std::string>{to_json(now)};
  });
  if (!saved) return sdk::Status::failure(saved.error());
  return sdk::Status::success();
}

std::size_t DesktopUserLedger::size() const {
  std::lock_guard lock(mutex_);
  return expires_at_.size();
}

}  // namespace notifyd::websocket
