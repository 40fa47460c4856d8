#include "unix_user.hpp"

#include <unistd.h>

namespace notifyd::webui {

std::string daemon_user_name(const sdk::Users& users) {
  const uid_t uid = ::geteuid();
  return users.name_of(uid).value_or("uid:" + std::to_string(uid));
}

}  // namespace notifyd::webui
