#pragma once
// The Unix user the dashboard runs as.

#include <string>

#include "notifyd/sdk/users.hpp"

namespace notifyd::webui {

/// The name of the user the daemon runs as (its effective uid in `users`),
/// or `uid:<n>` when that uid has no name.
std::string daemon_user_name(const sdk::Users& users);

}  // namespace notifyd::webui
