#include "bot_state.hpp"

#include <algorithm>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "notifyd/sdk/json.hpp"

namespace notifyd::telegram {
namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void write_string(Writer& writer, const char* key, std::string_view value) {
  writer.Key(key);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_int(Writer& writer, const char* key, std::int64_t value) {
  writer.Key(key);
  writer.Int64(value);
}

std::optional<QueuedReply> read_reply(const rapidjson::Value& entry) {
  QueuedReply reply;
  const auto id = sdk::json_int64(entry, "id");
  const auto chat = sdk::json_int64(entry, "chat_id");
  auto text = sdk::json_string(entry, "text");
  if (!id || *id <= 0 || !chat || !text || text->empty()) return std::nullopt;
  reply.id = static_cast<std::uint64_t>(*id);
  reply.chat_id = *chat;
  reply.text = std::move(*text);
  const auto format = sdk::parse_text_format(sdk::json_string(entry, "format").value_or("plain"));
  reply.format = format.value_or(sdk::TextFormat::plain);
  reply.keyboard = sdk::json_string(entry, "keyboard").value_or("");
  reply.created_at_ms = sdk::json_int64(entry, "created_at").value_or(0);
  reply.expires_at_ms = sdk::json_int64(entry, "expires_at").value_or(0);
  reply.parts_sent = static_cast<std::uint32_t>(std::clamp<std::int64_t>(sdk::json_int64(entry, "parts_sent").value_or(0), 0, 1000));
  return reply;
}

std::optional<PendingRun> read_run(const rapidjson::Value& entry) {
  PendingRun run;
  const auto id = sdk::json_int64(entry, "id");
  const auto chat = sdk::json_int64(entry, "chat_id");
  auto user = sdk::json_string(entry, "user");
  auto check = sdk::json_string(entry, "check");
  if (!id || *id <= 0 || !chat || !user || !check) return std::nullopt;
  return PendingRun{static_cast<std::uint64_t>(*id), *chat, std::move(*user), std::move(*check)};
}

std::optional<HeldNotification> read_held(const rapidjson::Value& entry) {
  const auto id = sdk::json_int64(entry, "notification_id");
  const auto chat = sdk::json_int64(entry, "chat_id");
  auto user = sdk::json_string(entry, "user");
  const auto accepted = sdk::json_int64(entry, "accepted_at");
  if (!id || *id <= 0 || !chat || !user || !accepted) return std::nullopt;
  return HeldNotification{static_cast<std::uint64_t>(*id), *chat, std::move(*user), *accepted};
}

}  // namespace

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
  if (auto parsed = sdk::parse_json(text, document); !parsed) return R::failure("not valid JSON: " + parsed.message);
  if (!document.IsObject()) return R::failure("not a JSON object");
  BotState state;
  state.offset = std::max<std::int64_t>(sdk::json_int64(document, "offset").value_or(0), 0);
  if (const auto* mutes = sdk::json_member(document, "muted_until"); mutes && mutes->IsObject()) {
    for (const auto& member : mutes->GetObject()) {
      if (member.value.IsInt64() && member.name.GetStringLength() > 0) {
        state.muted_until[std::string(member.name.GetString(), member.name.GetStringLength())] = member.value.GetInt64();
      }
    }
  }
  std::uint64_t highest = 0;
  if (const auto* replies = sdk::json_member(document, "replies"); replies && replies->IsArray()) {
    for (const auto& entry : replies->GetArray()) {
      if (auto reply = read_reply(entry)) {
        highest = std::max(highest, reply->id);
        state.replies.push_back(std::move(*reply));
      }
    }
  }
  if (const auto* runs = sdk::json_member(document, "runs"); runs && runs->IsArray()) {
    for (const auto& entry : runs->GetArray()) {
      if (auto run = read_run(entry)) {
        highest = std::max(highest, run->id);
        state.runs.push_back(std::move(*run));
      }
    }
  }
  if (const auto* held = sdk::json_member(document, "held"); held && held->IsArray()) {
    for (const auto& entry : held->GetArray()) {
      if (auto notification = read_held(entry)) state.held.push_back(std::move(*notification));
    }
  }
  std::stable_sort(state.replies.begin(), state.replies.end(),
                   [](const QueuedReply& a, const QueuedReply& b) { return a.id < b.id; });
  const auto next = sdk::json_int64(document, "next_id").value_or(1);
  state.next_id = std::max<std::uint64_t>(next > 0 ? static_cast<std::uint64_t>(next) : 1, highest + 1);
  state.inbox_done = static_cast<std::uint64_t>(std::max<std::int64_t>(sdk::json_int64(document, "inbox_done").value_or(0), 0));
  return state;
}

std::string serialize_bot_state(const BotState& state) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.SetIndent(' ', 2);
  writer.StartObject();
  write_int(writer, "offset", state.offset);
  writer.Key("muted_until");
  writer.StartObject();
  for (const auto& [user, until] : state.muted_until) {
    writer.Key(user.data(), static_cast<rapidjson::SizeType>(user.size()));
    writer.Int64(until);
  }
  writer.EndObject();
  write_int(writer, "next_id", static_cast<std::int64_t>(state.next_id));
  if (state.inbox_done > 0) write_int(writer, "inbox_done", static_cast<std::int64_t>(state.inbox_done));
  writer.Key("replies");
  writer.StartArray();
  for (const auto& reply : state.replies) {
    writer.StartObject();
    write_int(writer, "id", static_cast<std::int64_t>(reply.id));
    write_int(writer, "chat_id", reply.chat_id);
    write_string(writer, "text", reply.text);
    write_string(writer, "format", sdk::text_format_name(reply.format));
    if (!reply.keyboard.empty()) write_string(writer, "keyboard", reply.keyboard);
    write_int(writer, "created_at", reply.created_at_ms);
    write_int(writer, "expires_at", reply.expires_at_ms);
    if (reply.parts_sent > 0) write_int(writer, "parts_sent", reply.parts_sent);
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("runs");
  writer.StartArray();
  for (const auto& run : state.runs) {
    writer.StartObject();
    write_int(writer, "id", static_cast<std::int64_t>(run.id));
    write_int(writer, "chat_id", run.chat_id);
    write_string(writer, "user", run.user);
    write_string(writer, "check", run.check);
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("held");
  writer.StartArray();
  for (const auto& held : state.held) {
    writer.StartObject();
    write_int(writer, "notification_id", static_cast<std::int64_t>(held.notification_id));
    write_int(writer, "chat_id", held.chat_id);
    write_string(writer, "user", held.user);
    write_int(writer, "accepted_at", held.accepted_at_ms);
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace notifyd::telegram
