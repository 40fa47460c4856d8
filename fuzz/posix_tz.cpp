// POSIX TZ rules (`CET-1CEST,M3.5.0,M10.5.0/3`), the footer of a TZif file.
// A rule that parses gives two transitions a year, and as the only rule of a
// zone gives spans that hold every instant asked about.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "fuzz/zone_checks.hpp"
#include "plugins/cron/posix_tz_rule.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto rule = notifyd::cron::parse_posix_tz(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!rule) return 0;
  for (const std::int64_t year : {1900, 1970, 2024, 2038, 9999}) (void)rule.value().transitions_in(year);
  const auto offset = rule.value().standard_offset;
  notifyd::fuzz::check_zone(
      std::make_shared<const notifyd::cron::TimeZone>("Fuzz/Rule", offset, std::vector<notifyd::cron::OffsetTransition>{},
                                                      std::move(rule).value()));
  return 0;
}
