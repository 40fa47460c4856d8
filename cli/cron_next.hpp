#pragma once

#include <cstdint>
#include <string>

#include "command_line.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyctl {

/// What `notifyctl cron next` prints: the next `arguments.count` fire times of
/// the expression after `--from` (else `now`, Unix seconds) as ISO-8601 UTC
/// instants, one per line, read in `--tz` (else the expression's CRON_TZ=,
/// else the local zone). The error, for exit status 64, says what was wrong:
/// the expression (with the field's column), the zone or the time.
notifyd::sdk::Result<std::string> cron_next_text(const CronNextArguments& arguments, std::int64_t now);

}  // namespace notifyctl
