// TZif files (RFC 8536) as the cron plugin reads them from the zone database.
// A file that parses is a zone whose spans hold every instant asked about and
// in which cron schedules move forward.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "fuzz/zone_checks.hpp"
#include "plugins/cron/tzif_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto zone = notifyd::cron::parse_tzif(std::string_view(reinterpret_cast<const char*>(data), size), "Fuzz/Zone");
  if (!zone) return 0;
  notifyd::fuzz::check_zone(std::make_shared<const notifyd::cron::TimeZone>(std::move(zone).value()));
  return 0;
}
