#pragma once

#include <string>

#include "api_answers.hpp"

namespace notifyctl {

/// "status: ok" and a table with one row per channel and its queue counts.
std::string health_text(const HealthReport& report);

}  // namespace notifyctl
