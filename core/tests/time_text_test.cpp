#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>

#include "notifyd/sdk/epoch_time.hpp"
#include "notifyd/sdk/time_text.hpp"
#include "notifyd/sdk/utc_time.hpp"

using notifyd::sdk::AgeUnit;
using notifyd::sdk::DurationStyle;
using notifyd::sdk::readable_duration;
using notifyd::sdk::time_ago;
using notifyd::sdk::time_until;

namespace {
constexpr std::int64_t now = 1'000'000'000;
}

TEST_CASE("ages in seconds, as notifyctl shows them", "[time_text]") {
  CHECK(time_ago(now, now, AgeUnit::second) == "just now");
  CHECK(time_ago(now - 999, now, AgeUnit::second) == "just now");
  CHECK(time_ago(now - 42'000, now, AgeUnit::second) == "42s ago");
  CHECK(time_ago(now - 5 * 60'000 - 1, now, AgeUnit::second) == "5m ago");
  CHECK(time_ago(now - 3 * 3'600'000, now, AgeUnit::second) == "3h ago");
  CHECK(time_ago(now - 30 * 3'600'000LL, now, AgeUnit::second) == "30h ago");
  CHECK(time_ago(now - 2 * 86'400'000LL, now, AgeUnit::second) == "2d ago");
  CHECK(time_ago(now + 5'000, now, AgeUnit::second) == "just now");
}

TEST_CASE("ages in minutes, as the bot shows them", "[time_text]") {
  CHECK(time_ago(now - 59'999, now, AgeUnit::minute) == "just now");
  CHECK(time_ago(now - 5 * 60'000 - 30'000, now, AgeUnit::minute) == "5m ago");
  CHECK(time_ago(now - 2 * 3'600'000, now, AgeUnit::minute) == "2h ago");
  CHECK(time_ago(now - 3 * 86'400'000LL, now, AgeUnit::minute) == "3d ago");
}

TEST_CASE("times to come round the smallest unit up", "[time_text]") {
  CHECK(time_until(now + 500, now, AgeUnit::second) == "in 1s");
  CHECK(time_until(now + 4 * 60'000, now, AgeUnit::second) == "in 4m");
  CHECK(time_until(now - 1, now, AgeUnit::second) == "due");
  CHECK(time_until(now, now, AgeUnit::minute) == "due");
  CHECK(time_until(now + 30'000, now, AgeUnit::minute) == "in 1m");
  CHECK(time_until(now + 2 * 3'600'000, now, AgeUnit::minute) == "in 2h");
  CHECK(time_until(now + 3 * 86'400'000LL, now, AgeUnit::minute) == "in 3d");
}

TEST_CASE("durations are short, in either style past a minute", "[time_text]") {
  CHECK(readable_duration(340, DurationStyle::compact) == "340 ms");
  CHECK(readable_duration(350, DurationStyle::spaced) == "350 ms");
  CHECK(readable_duration(1234, DurationStyle::compact) == "1.2 s");
  CHECK(readable_duration(1234, DurationStyle::spaced) == "1.2 s");
  CHECK(readable_duration(125'000, DurationStyle::compact) == "2m05s");
  CHECK(readable_duration(185'000, DurationStyle::spaced) == "3 min 5 s");
  CHECK(readable_duration(-5, DurationStyle::spaced) == "0 ms");
}

TEST_CASE("time points and epoch milliseconds convert both ways", "[epoch_time]") {
  using namespace std::chrono;
  CHECK(notifyd::sdk::epoch_ms_of(system_clock::time_point(milliseconds(1'714'564'800'123))) == 1'714'564'800'123);
  CHECK(notifyd::sdk::epoch_ms_of(system_clock::time_point(microseconds(1'999))) == 1);
  CHECK(notifyd::sdk::time_point_of_epoch_ms(-1).time_since_epoch() == milliseconds(-1));
  const auto now = notifyd::sdk::time_point_of_epoch_ms(notifyd::sdk::now_epoch_ms());
  CHECK(system_clock::now() - now < minutes(1));
}
