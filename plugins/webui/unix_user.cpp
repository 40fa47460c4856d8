#include "unix_user.hpp"

#include <unistd.h>

#include <algorithm>

#include "notifyd/sdk/peer_user.hpp"

namespace notifyd::webui {

std::string daemon_user_name() {
  const uid_t uid = ::geteuid();
  return sdk::user_name_of_uid(uid).value_or("uid:" + std::to_string(uid));
}

bool is_valid_user_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 32 || name.front() == '-' || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

}  // namespace notifyd::webui
