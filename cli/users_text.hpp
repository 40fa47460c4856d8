#pragma once

#include <string>

#include "api_answers.hpp"

namespace notifyctl {

/// One row per linked user: name, chat id, when linked, and whether the bot
/// can still reach them ("active", or "blocked" once they blocked the bot);
/// then "N linked users (M blocked)".
std::string users_text(const LinkedUserList& list);

}  // namespace notifyctl
