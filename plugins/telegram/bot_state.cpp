#include "bot_state.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "json_fields.hpp"

namespace notifyd::telegram {

std::int64_t BotState::mute_end(std::string_view user, std::int64_t now_ms) const noexcept {
  const auto found = muted_until.find(user);
  return found != muted_until.end() && found->second > now_ms ? found->second : 0;
}

bool BotState::forget_ended_mutes(std::int64_t now_ms) {
  return std::erase_if(muted_until, [&](const auto& entry) { return entry.second <= now_ms; }) > 0;
}

sdk::Result<BotState> parse_bot_state(std::string_view text) {
  using R = sdk::Result<BotState>;
  rapidjson::Document document;
  if (auto error = json_parse(document, text)) return R::failure("not valid JSON: " + *error);
  if (!document.IsObject()) return R::failure("not a JSON object");
  BotState state;
  state.offset = std::max<std::int64_t>(json_int(document, "offset").value_or(0), 0);
  if (const auto* mutes = json_member(document, "muted_until"); mutes && mutes->IsObject()) {
    for (const auto& member : mutes->GetObject()) {
      if (member.value.IsInt64() && member.name.GetStringLength() > 0) {
        state.muted_until[std::string(member.name.GetString(), member.name.GetStringLength())] = member.value.GetInt64();
      }
    }
  }
  return state;
}

std::string serialize_bot_state(const BotState& state) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  writer.StartObject();
  writer.Key("offset");
  writer.Int64(state.offset);
  writer.Key("muted_until");
  writer.StartObject();
  for (const auto& [user, until] : state.muted_until) {
    writer.Key(user.data(), static_cast<rapidjson::SizeType>(user.size()));
    writer.Int64(until);
  }
  writer.EndObject();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace notifyd::telegram
