#pragma once

#include <string>

#include "api_responses.hpp"

namespace notifyctl {

/// "queued notification 42 for alice via console, bot"; `requested_user` names
/// the recipient when the daemon's answer does not.
std::string send_text(const SendReceipt& receipt, const std::string& requested_user);

}  // namespace notifyctl
