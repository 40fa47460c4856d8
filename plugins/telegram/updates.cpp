#include "updates.hpp"

#include <algorithm>
#include <limits>

#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/utf8.hpp"

namespace notifyd::telegram {
namespace {

constexpr std::size_t max_text_bytes = 16 * 1024;
constexpr std::size_t max_field_bytes = 256;

std::string bounded(const rapidjson::Value& object, const char* name, std::size_t limit) {
  const auto* value = sdk::json_member(object, name);
  if (value == nullptr || !value->IsString()) return {};
  const std::size_t length = std::min<std::size_t>(value->GetStringLength(), limit);
  return sdk::replace_invalid_utf8(std::string_view(value->GetString(), length));
}

std::int64_t nested_int(const rapidjson::Value& object, const char* outer, const char* inner) {
  const auto* value = sdk::json_member(object, outer);
  return value ? sdk::json_int64(*value, inner).value_or(0) : 0;
}

std::variant<std::monostate, ChatMessage, ButtonPress, MembershipChange> content_of(const rapidjson::Value& update) {
  if (const auto* message = sdk::json_member(update, "message"); message && message->IsObject()) {
    ChatMessage out;
    out.chat_id = nested_int(*message, "chat", "id");
    if (const auto* chat = sdk::json_member(*message, "chat")) out.chat_type = bounded(*chat, "type", max_field_bytes);
    out.from_id = nested_int(*message, "from", "id");
    out.text = bounded(*message, "text", max_text_bytes);
    if (out.chat_id == 0) return std::monostate{};
    return out;
  }
  if (const auto* query = sdk::json_member(update, "callback_query"); query && query->IsObject()) {
    ButtonPress out;
    out.id = bounded(*query, "id", max_field_bytes);
    out.from_id = nested_int(*query, "from", "id");
    out.data = bounded(*query, "data", max_field_bytes);
    if (const auto* message = sdk::json_member(*query, "message"); message && message->IsObject()) {
      out.chat_id = nested_int(*message, "chat", "id");
      out.message_id = sdk::json_int64(*message, "message_id").value_or(0);
    }
    if (out.id.empty()) return std::monostate{};
    return out;
  }
  if (const auto* member = sdk::json_member(update, "my_chat_member"); member && member->IsObject()) {
    MembershipChange out;
    out.chat_id = nested_int(*member, "chat", "id");
    if (const auto* state = sdk::json_member(*member, "new_chat_member")) out.status = bounded(*state, "status", max_field_bytes);
    if (out.chat_id == 0 || out.status.empty()) return std::monostate{};
    return out;
  }
  return std::monostate{};
}

}  // namespace

UpdateBatch parse_updates(const rapidjson::Value* result, std::int64_t offset) {
  UpdateBatch batch;
  batch.next_offset = offset;
  if (result == nullptr || !result->IsArray()) return batch;
  for (const auto& entry : result->GetArray()) {
    const auto id = sdk::json_int64(entry, "update_id");
    // The largest id would leave no next offset to acknowledge it with.
    if (!id || *id < offset || *id < 0 || *id == std::numeric_limits<std::int64_t>::max()) continue;
    batch.updates.push_back({*id, content_of(entry)});
    batch.next_offset = std::max(batch.next_offset, *id + 1);
  }
  std::sort(batch.updates.begin(), batch.updates.end(),
            [](const Update& a, const Update& b) { return a.update_id < b.update_id; });
  return batch;
}

bool is_removal(const std::string& status) noexcept { return status == "kicked" || status == "left"; }

}  // namespace notifyd::telegram
