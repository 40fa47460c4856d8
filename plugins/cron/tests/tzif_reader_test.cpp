#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tzif_reader.hpp"
#include "zone_lookup.hpp"

using namespace notifyd::cron;

namespace {

// A TZif file built field by field, so each malformation can be made on purpose.
struct TzifSpec {
  char version = '2';
  std::vector<std::int64_t> times;
  std::vector<std::uint8_t> type_of;
  std::vector<std::int32_t> offsets{0};
  std::string footer = "\nUTC0\n";
  std::uint32_t isut = 0;
  std::uint32_t isstd = 0;
};

void put(std::string& out, std::uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

void header(std::string& out, char version, const TzifSpec& spec, bool empty) {
  out += "TZif";
  out.push_back(version);
  out += std::string(15, '\0');
  const auto count = [&](std::size_t n) { put(out, empty ? 0 : n, 4); };
  count(spec.isut);
  count(spec.isstd);
  count(0);
  count(spec.times.size());
  count(spec.offsets.size());
  count(4);
}

void block(std::string& out, const TzifSpec& spec, int time_bytes) {
  for (const auto time : spec.times) put(out, static_cast<std::uint64_t>(time), time_bytes);
  for (const auto type : spec.type_of) out.push_back(static_cast<char>(type));
  for (const auto offset : spec.offsets) {
    put(out, static_cast<std::uint32_t>(offset), 4);
    out.push_back('\0');
    out.push_back('\0');
  }
  out += std::string("ABC", 4);
  out += std::string(spec.isstd + spec.isut, '\0');
}

std::string build(const TzifSpec& spec) {
  std::string out;
  if (spec.version == '\0') {
    header(out, '\0', spec, false);
    block(out, spec, 4);
    return out;
  }
  header(out, spec.version, spec, true);
  header(out, spec.version, spec, false);
  block(out, spec, 8);
  return out + spec.footer;
}

std::string error_of(const TzifSpec& spec) {
  auto zone = parse_tzif(build(spec), "test");
  REQUIRE_FALSE(zone.ok());
  return zone.error();
}

}  // namespace

TEST_CASE("a synthetic TZif file: offsets before, between and after its transitions") {
  TzifSpec spec;
  spec.times = {0, 1000};
  spec.type_of = {1, 2};
  spec.offsets = {-3600, 3600, 7200};
  spec.footer = "\n<+02>-2\n";
  auto zone = parse_tzif(build(spec), "Test/Zone");
  REQUIRE(zone.ok());
  CHECK(zone->name() == "Test/Zone");
  CHECK(zone->offset_at(-5) == -3600);
  CHECK(zone->offset_at(500) == 3600);
  CHECK(zone->offset_at(5000) == 7200);
  CHECK(zone->span_at(500).begin == 0);
  CHECK(zone->span_at(500).end == 1000);
  CHECK(zone->span_at(500).offset_before == -3600);

  spec.version = '\0';
  auto v1 = parse_tzif(build(spec), "v1");
  REQUIRE(v1.ok());
  CHECK(v1->offset_at(1LL << 40) == 7200);
  spec.version = '4';
  CHECK(parse_tzif(build(spec), "v4").ok());
}

TEST_CASE("every malformation of a TZif file has its message") {
  TzifSpec spec;
  spec.version = 'x';
  CHECK(error_of(spec) == "unknown TZif version");

  spec = {};
  spec.isut = 2;
  CHECK(error_of(spec) == "inconsistent counts");

  spec = {};
  spec.offsets.clear();
  CHECK(error_of(spec) == "no local time types");

  spec = {};
  spec.times = {10};
  spec.type_of = {5};
  CHECK(error_of(spec) == "transition names a missing local time type");

  spec = {};
  spec.offsets = {100000};
  CHECK(error_of(spec) == "UTC offset out of range");

  spec = {};
  spec.times = {10, 5};
  spec.type_of = {0, 0};
  CHECK(error_of(spec) == "transitions out of order");

  spec = {};
  spec.footer = "";
  CHECK(error_of(spec) == "missing the TZ string footer");
  spec.footer = "\nUTC0";
  CHECK(error_of(spec) == "unterminated TZ string footer");
  spec.footer = "\nC\n";
  CHECK(error_of(spec) == "footer: TZ rule: expected a zone abbreviation at offset 1");

  spec = {};
  std::string cut = build(spec);
  cut.resize(cut.size() - spec.footer.size() - 3);
  CHECK(parse_tzif(cut, "cut").error() == "truncated data block");
  CHECK(parse_tzif(std::string(max_tzif_bytes + 1, 'x'), "big").error() == "larger than 262144 bytes");
}

TEST_CASE("POSIX TZ rule errors say where they went wrong") {
  CHECK(parse_posix_tz("CET").error() == "TZ rule: expected the standard offset at offset 3");
  CHECK(parse_posix_tz("CET-1CEST,M3.5.0").error() == "TZ rule: expected the daylight saving end date at offset 16");
  CHECK(parse_posix_tz("CET-1CEST,M3.5.0,M10.5.0x").error() == "TZ rule: unexpected text at offset 24");
  CHECK(parse_posix_tz("CET-1CEST,M3.5.0/x,M10.5.0").error() ==
        "TZ rule: expected the daylight saving start time at offset 17");
  CHECK(parse_posix_tz(std::string(300, 'A')).error() == "TZ rule longer than 256 bytes");
}

TEST_CASE("a zone file too large to be TZif is refused before parsing") {
  const auto dir = std::filesystem::temp_directory_path() / "notifyd-cron-tzdir";
  std::filesystem::create_directories(dir / "Big");
  {
    std::ofstream out(dir / "Big" / "Zone", std::ios::binary);
    out << std::string(max_tzif_bytes + 10, 'x');
  }
  ::setenv("TZDIR", dir.c_str(), 1);
  const auto loaded = load_time_zone("Big/Zone");
  ::unsetenv("TZDIR");
  std::filesystem::remove_all(dir);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error() == "unknown time zone \"Big/Zone\": " + (dir / "Big" / "Zone").string() +
                              " is too large to be a TZif file");
}
