// Bot API answers as the Telegram plugin reads them: any HTTP status and body
// become a well-formed reply, and a getUpdates result becomes a batch whose
// updates are ordered, not before the offset asked for, and acknowledged by
// the next offset. Input: one byte for the HTTP status, then the body.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "plugins/telegram/api_reply.hpp"
#include "plugins/telegram/updates.hpp"

namespace tg = notifyd::telegram;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  constexpr long statuses[] = {200, 400, 401, 403, 404, 409, 429, 500, 502, 503};
  const long status = statuses[data[0] % std::size(statuses)];
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto reply = tg::parse_api_reply(status, body);
  FUZZ_CHECK(reply.http_status == status);
  FUZZ_CHECK(reply.description.size() <= 512 * 3);
  FUZZ_CHECK(reply.description.find('\n') == std::string::npos);
  if (reply.retry_after) FUZZ_CHECK(reply.retry_after->count() >= 0 && reply.retry_after->count() <= 24 * 3600);
  if (reply.result() != nullptr) FUZZ_CHECK(reply.document != nullptr);
  FUZZ_CHECK(!reply.summary().empty());

  for (const std::int64_t offset : {std::int64_t{0}, std::int64_t{1'000}}) {
    const auto batch = tg::parse_updates(reply.result(), offset);
    FUZZ_CHECK(batch.next_offset >= offset);
    for (std::size_t i = 0; i < batch.updates.size(); ++i) {
      const auto& update = batch.updates[i];
      FUZZ_CHECK(update.update_id >= offset && update.update_id < batch.next_offset);
      if (i > 0) FUZZ_CHECK(batch.updates[i - 1].update_id <= update.update_id);
      if (const auto* message = std::get_if<tg::ChatMessage>(&update.content)) {
        FUZZ_CHECK(message->chat_id != 0 && message->text.size() <= 16 * 1024 * 3);
      }
      if (const auto* press = std::get_if<tg::ButtonPress>(&update.content)) FUZZ_CHECK(!press->id.empty());
      if (const auto* change = std::get_if<tg::MembershipChange>(&update.content)) {
        FUZZ_CHECK(change->chat_id != 0 && !change->status.empty());
      }
    }
  }
  return 0;
}
