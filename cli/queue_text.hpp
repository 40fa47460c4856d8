#pragma once

#include <string>

#include "api_answers.hpp"

namespace notifyctl {

/// Deliveries still to be made, per channel (pending, in flight, waiting for
/// a retry), and a last line with the total: "3 deliveries waiting" or
/// "nothing waiting".
std::string queue_text(const HealthReport& report);

}  // namespace notifyctl
