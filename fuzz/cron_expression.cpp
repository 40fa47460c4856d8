// Cron expressions as `schedule` keys and `[[check]]` tables write them,
// with an optional `CRON_TZ=` zone looked up in the system's zone database.
// An expression that parses reads the same again from its own text, and a
// calendar expression can always fire (the parser refuses those that cannot).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "plugins/cron/cron_expression.hpp"
#include "plugins/cron/cron_schedule.hpp"
#include "plugins/cron/time_zone.hpp"

namespace cron = notifyd::cron;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto expression = cron::parse_cron_expression(text);
  if (!expression) {
    FUZZ_CHECK(!expression.error().empty());
    return 0;
  }
  const auto& parsed = expression.value();
  const auto again = cron::parse_cron_expression(parsed.text);
  FUZZ_CHECK(again);
  FUZZ_CHECK(again.value().zone == parsed.zone && again.value().every == parsed.every);
  FUZZ_CHECK(again.value().minutes == parsed.minutes && again.value().hours == parsed.hours);
  FUZZ_CHECK(again.value().days_of_month == parsed.days_of_month && again.value().months == parsed.months);
  FUZZ_CHECK(again.value().days_of_week == parsed.days_of_week);
  if (parsed.is_interval()) {
    FUZZ_CHECK(parsed.every <= cron::max_every_interval);
  } else {
    for (const std::int64_t local : {std::int64_t{0}, std::int64_t{1'700'000'000}}) {
      const auto next = cron::next_local_match(parsed, local);
      FUZZ_CHECK(next && *next >= local);
    }
  }
  const auto utc = std::make_shared<const cron::TimeZone>(cron::TimeZone::utc());
  const auto schedule = cron::make_cron_schedule(text, utc);
  if (schedule) {
    if (const auto next = schedule.value().next_after(1'700'000'000)) FUZZ_CHECK(*next > 1'700'000'000);
  }
  return 0;
}
