#include "user_name.hpp"

namespace notifyd::websocket {

bool is_valid_user_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 64) return false;
  for (const char c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && c != '_' && c != '-' && c != '.' && c != '@' && c != ':') return false;
  }
  return true;
}

}  // namespace notifyd::websocket
