#pragma once

#include <string>

#include "api_answers.hpp"

namespace notifyctl {

/// "queued notification 42 for alice via console, bot"; `requested_user` is
/// the recipient asked for (the daemon's answer does not name it).
std::string send_text(const notifyd::sdk::PublishOutcome& receipt, const std::string& requested_user);

}  // namespace notifyctl
