#pragma once
// Finds time zones: IANA names in the zoneinfo directory (`$TZDIR`, else
// /usr/share/zoneinfo from Debian's tzdata), and the local zone ($TZ, else
// /etc/localtime, else UTC).

#include <memory>
#include <string_view>

#include "notifyd/sdk/status.hpp"
#include "time_zone.hpp"

namespace notifyd::cron {

/// A shared, immutable zone.
using ZoneHandle = std::shared_ptr<const TimeZone>;

/// Loads the zone `name` (`Europe/Berlin`, `UTC`). `UTC`, `Etc/UTC` and `Z`
/// work without tzdata. Errors: an invalid or unknown name, an unreadable file.
sdk::Result<ZoneHandle> load_time_zone(std::string_view name);

/// The zone the process runs in: `$TZ` (`:Europe/Berlin`, a zone name, a file
/// path or a POSIX rule such as `EST5EDT`), else /etc/localtime, else UTC.
sdk::Result<ZoneHandle> load_local_time_zone();

/// Loads `name`, or the local zone when `name` is empty.
sdk::Result<ZoneHandle> load_zone_or_local(std::string_view name);

}  // namespace notifyd::cron
