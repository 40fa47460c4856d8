#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>

#include "posix_tz_rule.hpp"
#include "test_support.hpp"
#include "tzif_reader.hpp"

using namespace notifyd::cron;
using namespace notifyd::cron::testing;

namespace {

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("Europe/Berlin offsets and spans from the TZif file") {
  const auto berlin = zone("Europe/Berlin");
  CHECK(berlin->name() == "Europe/Berlin");
  CHECK(berlin->offset_at(at("2026-01-15T12:00:00Z")) == 3600);
  CHECK(berlin->offset_at(at("2026-07-15T12:00:00Z")) == 7200);
  CHECK(berlin->offset_at(at("2026-03-29T00:59:59Z")) == 3600);
  CHECK(berlin->offset_at(at("2026-03-29T01:00:00Z")) == 7200);
  const auto summer = berlin->span_at(at("2026-07-15T12:00:00Z"));
  CHECK(summer.begin == at("2026-03-29T01:00:00Z"));
  CHECK(summer.end == at("2026-10-25T01:00:00Z"));
  CHECK(summer.offset == 7200);
  CHECK(summer.offset_before == 3600);
}

TEST_CASE("offsets far past the file's last transition come from the footer rule") {
  const auto berlin = zone("Europe/Berlin");
  const auto summer = berlin->span_at(at("2060-07-01T00:00:00Z"));
  CHECK(summer.offset == 7200);
  CHECK(summer.offset_before == 3600);
  CHECK(summer.begin == at("2060-03-28T01:00:00Z"));
  CHECK(summer.end == at("2060-10-31T01:00:00Z"));
  const auto winter = berlin->span_at(at("2061-01-01T00:00:00Z"));
  CHECK(winter.offset == 3600);
  CHECK(winter.begin == at("2060-10-31T01:00:00Z"));
  const auto new_york = zone("America/New_York");
  CHECK(new_york->offset_at(at("2100-01-15T00:00:00Z")) == -18000);
  CHECK(new_york->offset_at(at("2100-07-15T00:00:00Z")) == -14400);
  const auto lord_howe = zone("Australia/Lord_Howe");
  CHECK(lord_howe->offset_at(at("2080-01-15T00:00:00Z")) == 39600);
  CHECK(lord_howe->offset_at(at("2080-07-15T00:00:00Z")) == 37800);
}

TEST_CASE("a zone without DST has one endless span") {
  const auto utc = zone("UTC");
  const auto span = utc->span_at(at("2026-01-01T00:00:00Z"));
  CHECK_FALSE(span.end);
  CHECK(span.offset == 0);
  const auto tokyo = zone("Asia/Tokyo");
  CHECK(tokyo->offset_at(at("2026-07-01T00:00:00Z")) == 32400);
  CHECK_FALSE(tokyo->span_at(at("2026-07-01T00:00:00Z")).end);
}

TEST_CASE("POSIX TZ rules") {
  auto berlin = parse_posix_tz("CET-1CEST,M3.5.0,M10.5.0/3");
  REQUIRE(berlin.ok());
  CHECK(berlin->standard_offset == 3600);
  CHECK(berlin->dst_offset == 7200);
  CHECK(berlin->dst_end_time == 3 * 3600);
  const auto [start, end] = berlin->transitions_in(2026);
  CHECK(start == at("2026-03-29T01:00:00Z"));
  CHECK(end == at("2026-10-25T01:00:00Z"));

  auto lord_howe = parse_posix_tz("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");
  REQUIRE(lord_howe.ok());
  CHECK(lord_howe->standard_offset == 37800);
  CHECK(lord_howe->dst_offset == 39600);
  const auto [lh_start, lh_end] = lord_howe->transitions_in(2026);
  CHECK(lh_start == at("2026-10-03T15:30:00Z"));
  CHECK(lh_end == at("2026-04-04T15:00:00Z"));

  auto us_default = parse_posix_tz("EST5EDT");
  REQUIRE(us_default.ok());
  CHECK(us_default->standard_offset == -18000);
  CHECK(us_default->dst_offset == -14400);
  CHECK(us_default->transitions_in(2026).first == at("2026-03-08T07:00:00Z"));

  auto julian = parse_posix_tz("XXX-2YYY,J60/0,300/-1:30");
  REQUIRE(julian.ok());
  CHECK(julian->transitions_in(2028).first == at("2028-02-29T22:00:00Z"));  // J60 is March 1 even in leap years
  CHECK(julian->transitions_in(2028).second == at("2028-10-26T19:30:00Z"));  // day 300 counts Feb 29

  auto fixed = parse_posix_tz("<-03>3");
  REQUIRE(fixed.ok());
  CHECK(fixed->standard_offset == -10800);
  CHECK_FALSE(fixed->dst_offset);

  for (const char* bad : {"", "C", "CET", "CET-1CEST,M3.5.0", "CET-1CEST,M13.5.0,M10.5.0", "CET-1CEST,M3.6.0,M10.5.0",
                          "CET-1CEST,J0,J10", "CET-1CEST,M3.5.0/200,M10.5.0", "CET-1x", "<+01", "CET-1CEST,M3.5.0,M10.5.0x"}) {
    INFO(bad);
    CHECK_FALSE(parse_posix_tz(bad).ok());
  }
}

TEST_CASE("a TZ rule without a file works as a zone") {
  auto rule = parse_posix_tz("EST5EDT,M3.2.0,M11.1.0");
  REQUIRE(rule.ok());
  const TimeZone zone("EST5EDT", rule->standard_offset, {}, rule.value());
  CHECK(zone.offset_at(at("2026-01-15T00:00:00Z")) == -18000);
  CHECK(zone.offset_at(at("2026-07-15T00:00:00Z")) == -14400);
  const auto span = zone.span_at(at("2026-07-15T00:00:00Z"));
  CHECK(span.begin == at("2026-03-08T07:00:00Z"));
  CHECK(span.end == at("2026-11-01T06:00:00Z"));
}

TEST_CASE("malformed TZif data is refused without crashing") {
  const std::string berlin = file_bytes("/usr/share/zoneinfo/Europe/Berlin");
  REQUIRE(berlin.size() > 100);
  REQUIRE(parse_tzif(berlin, "Europe/Berlin").ok());
  CHECK(parse_tzif("", "x").error() == "not a TZif file (bad header)");
  CHECK(parse_tzif(std::string("TZif2") + std::string(39, '\0'), "x").error() == "missing the version 2+ header");
  CHECK(parse_tzif(berlin.substr(0, 60), "x").error() == "truncated version 1 data");
  CHECK(parse_tzif(std::string("TZif") + std::string(40, '\0'), "x").error() == "no local time types");
  for (std::size_t length = 0; length < berlin.size(); ++length) {
    const auto result = parse_tzif(std::string_view(berlin).substr(0, length), "cut");
    CHECK_FALSE(result.ok());
  }
  std::uint32_t state = 7;
  for (int round = 0; round < 3000; ++round) {
    std::string damaged = berlin;
    for (int flips = 0; flips < 4; ++flips) {
      state = state * 1664525 + 1013904223;
      damaged[(state >> 8) % damaged.size()] = static_cast<char>(state >> 24);
    }
    const auto result = parse_tzif(damaged, "damaged");
    if (result.ok()) (void)result->offset_at(at("2026-07-01T00:00:00Z"));
  }
}

TEST_CASE("loading zones by name") {
  CHECK(zone("Etc/UTC")->name() == "UTC");
  CHECK(load_time_zone("Mars/Olympus").error() ==
        "unknown time zone \"Mars/Olympus\": /usr/share/zoneinfo/Mars/Olympus does not exist");
  CHECK(load_time_zone("../../etc/passwd").error() ==
        "invalid time zone name \"../../etc/passwd\" (expected an IANA name such as Europe/Berlin)");
  CHECK(load_time_zone("/etc/passwd").error() ==
        "invalid time zone name \"/etc/passwd\" (expected an IANA name such as Europe/Berlin)");
  CHECK(load_time_zone("").error() == "invalid time zone name \"\" (expected an IANA name such as Europe/Berlin)");
  CHECK(load_time_zone("Europe").error() ==
        "unknown time zone \"Europe\": /usr/share/zoneinfo/Europe is not a file");
  CHECK(load_time_zone("zone.tab").error() ==
        "time zone \"zone.tab\": /usr/share/zoneinfo/zone.tab is not a usable TZif file (not a TZif file (bad header))");
}

TEST_CASE("the local zone comes from TZ, else /etc/localtime") {
  {
    ScopedEnv tz("TZ", ":Europe/Berlin");
    auto local = load_local_time_zone();
    REQUIRE(local.ok());
    CHECK(local.value()->name() == "Europe/Berlin");
  }
  {
    ScopedEnv tz("TZ", "America/New_York");
    CHECK(load_local_time_zone().value()->offset_at(at("2026-01-15T00:00:00Z")) == -18000);
  }
  {
    ScopedEnv tz("TZ", "/usr/share/zoneinfo/Asia/Tokyo");
    auto local = load_local_time_zone();
    REQUIRE(local.ok());
    CHECK(local.value()->name() == "Asia/Tokyo");
  }
  {
    ScopedEnv tz("TZ", "<+0530>-5:30");
    CHECK(load_local_time_zone().value()->offset_at(0) == 19800);
  }
  {
    ScopedEnv tz("TZ", "");
    CHECK(load_local_time_zone().value()->name() == "UTC");
  }
  {
    ScopedEnv tz("TZ", "Nowhere/Special!");
    CHECK(load_local_time_zone().error() == "TZ=Nowhere/Special! is neither a known zone nor a POSIX TZ rule");
  }
  {
    ScopedEnv tz("TZ", nullptr);
    CHECK(load_local_time_zone().ok());
  }
  {
    ScopedEnv tz("TZ", "UTC");
    ScopedEnv tzdir("TZDIR", "/nonexistent");
    CHECK(load_zone_or_local("").value()->name() == "UTC");
    CHECK_FALSE(load_zone_or_local("Europe/Berlin").ok());
  }
}
