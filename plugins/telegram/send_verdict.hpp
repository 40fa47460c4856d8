#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "api_reply.hpp"

namespace notifyd::telegram {

/// What the reply to a sendMessage / sendPhoto means for the delivery.
struct SendVerdict {
  enum class Kind {
    sent,                 ///< Telegram took it
    unparsable_entities,  ///< 400 can't parse entities: resend once as plain text
    migrated,             ///< the group became a supergroup: resend to `new_chat_id`
    retry,                ///< transient (429, 5xx, network, token trouble): try again later
    blocked,              ///< 403: the user blocked the bot or it was removed; permanent, link inactive
    permanent,            ///< any other refusal: retrying cannot help
  };
  Kind kind = Kind::sent;
  std::chrono::milliseconds retry_after{0};  ///< retry: how long Telegram asked to wait (0 = backoff)
  std::int64_t new_chat_id = 0;              ///< migrated: where the chat went
  std::string error;                         ///< for history and logs
};

/// Classifies a send reply; never throws.
SendVerdict classify_send(const ApiReply& reply);

}  // namespace notifyd::telegram
