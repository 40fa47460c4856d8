#include <catch2/catch.hpp>

#include "cron_state.hpp"

using namespace notifyd::cron;

TEST_CASE("the state document round-trips") {
  const LastFires fires{{{"alice", "revenue_drop"}, 1774746000}, {{"alice", "metric \"report\""}, 5}, {{"bob", "disk"}, -1}};
  const std::string text = format_cron_state(fires);
  CHECK(text.find("\"version\": 1") != std::string::npos);
  CHECK(text ==
        "{\n"
        "  \"version\": 1,\n"
        "  \"checks\": {\n"
        "    \"alice\": {\n"
        "      \"metric \\\"report\\\"\": {\"last_fire\": 5},\n"
        "      \"revenue_drop\": {\"last_fire\": 1774746000}\n"
        "    },\n"
        "    \"bob\": {\n"
        "      \"disk\": {\"last_fire\": -1}\n"
        "    }\n"
        "  }\n"
        "}\n");
  auto parsed = parse_cron_state(text);
  REQUIRE(parsed.ok());
  CHECK(parsed.value() == fires);
  CHECK(format_cron_state({}) == "{\n  \"version\": 1,\n  \"checks\": {}\n}\n");
  CHECK(parse_cron_state(format_cron_state({})).value().empty());
}

TEST_CASE("entries of the wrong shape are skipped") {
  auto parsed = parse_cron_state(
      R"({"checks": {"alice": {"a": {"last_fire": 10}, "b": {"last_fire": "x"}, "c": 3}, "bob": [], "carol": {"d": {}}}})");
  REQUIRE(parsed.ok());
  CHECK(parsed.value() == LastFires{{{"alice", "a"}, 10}});
  CHECK(parse_cron_state("{}").value().empty());
  CHECK(parse_cron_state(R"({"checks": 5})").value().empty());
}

TEST_CASE("a document that is not a JSON object is an error, deep nesting included") {
  CHECK(parse_cron_state("").error().starts_with("not valid JSON"));
  CHECK(parse_cron_state("{\"checks\":").error().starts_with("not valid JSON"));
  CHECK(parse_cron_state("[]").error() == "not a JSON object");
  CHECK(parse_cron_state("{} trailing").error().starts_with("not valid JSON"));
  CHECK_FALSE(parse_cron_state(std::string(200000, '[')).ok());
  CHECK(parse_cron_state(std::string(max_cron_state_bytes + 1, ' ')).error() == "larger than 8388608 bytes");
}
