#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api_responses.hpp"

namespace notifyctl {

/// One Unix user linked to a Telegram chat.
struct LinkedUser {
  std::string user;
  std::optional<std::int64_t> chat_id;  ///< group chats have negative ids
  std::string linked_at;                ///< ISO-8601 as the daemon wrote it
  std::optional<bool> active;           ///< false: the user blocked the bot
};

/// `GET /api/telegram/users` (served by the telegram plugin).
struct LinkedUserList {
  std::vector<LinkedUser> users;
};

/// Never fails on a missing or mistyped field; only a body that is not an
/// object with a "users" list is a DecodeError.
std::variant<LinkedUserList, DecodeError> decode_linked_users(std::string_view body);

}  // namespace notifyctl
