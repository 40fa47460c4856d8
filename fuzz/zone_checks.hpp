#pragma once
// Checks shared by the time zone targets: a zone's spans of constant offset
// hold the instants they are asked about, and a cron schedule in the zone
// always moves forward.
#include <cstdint>
#include <initializer_list>
#include <memory>

#include "fuzz/fuzz_check.hpp"
#include "plugins/cron/cron_expression.hpp"
#include "plugins/cron/cron_schedule.hpp"
#include "plugins/cron/time_zone.hpp"

namespace notifyd::fuzz {

inline void check_span_holds(const cron::TimeZone& zone, std::int64_t utc) {
  const auto span = zone.span_at(utc);
  if (span.begin) FUZZ_CHECK(*span.begin <= utc);
  if (span.end) FUZZ_CHECK(utc < *span.end);
  FUZZ_CHECK(zone.offset_at(utc) == span.offset);
  FUZZ_CHECK(span.offset > -7 * 24 * 3600 && span.offset < 7 * 24 * 3600);
}

// Instants around the present and the ends of what the plugin computes with.
inline constexpr std::int64_t probe_instants[] = {
    -2'208'988'800, 0, 951'782'400, 1'700'000'000, 1'711'846'800, 2'147'483'647, 4'102'444'800, 253'402'300'799};

inline void check_zone(const std::shared_ptr<const cron::TimeZone>& zone) {
  for (const auto utc : probe_instants) {
    check_span_holds(*zone, utc);
    const auto span = zone->span_at(utc);
    if (span.begin) check_span_holds(*zone, *span.begin);
    if (span.end) check_span_holds(*zone, *span.end - 1);
  }
  for (const char* text : {"30 2 * * *", "*/7 * * * 0"}) {
    auto expression = cron::parse_cron_expression(text);
    FUZZ_CHECK(expression);
    const cron::CronSchedule schedule(std::move(expression).value(), zone);
    for (const auto utc : {std::int64_t{0}, std::int64_t{1'700'000'000}, std::int64_t{1'711'846'800}}) {
      if (const auto next = schedule.next_after(utc)) FUZZ_CHECK(*next > utc);
    }
  }
}

}  // namespace notifyd::fuzz
