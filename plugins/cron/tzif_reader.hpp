#pragma once
// Reads a TZif file (RFC 8536, versions 1-4) into a TimeZone: the 64-bit
// block of a v2+ file (the 32-bit one of a v1 file) and the POSIX TZ footer.

#include <cstddef>
#include <string>
#include <string_view>

#include "notifyd/sdk/status.hpp"
#include "time_zone.hpp"

namespace notifyd::cron {

/// Largest TZif file read (the biggest in tzdata is under 10 KiB).
inline constexpr std::size_t max_tzif_bytes = 256 * 1024;

/// Parses the bytes of a TZif file; `name` becomes the zone's name. Never
/// throws or reads out of bounds; a malformed file is an error saying why.
sdk::Result<TimeZone> parse_tzif(std::string_view bytes, std::string name);

}  // namespace notifyd::cron
