#pragma once

#include <string>

#include "api_answers.hpp"

namespace notifyctl {

/// "status: ok", a table with one row per channel (its queue counts and
/// whether this replica leads it), then the engine, the live replicas and
/// the held leases when the daemon reports them.
std::string health_text(const HealthReport& report);

}  // namespace notifyctl
