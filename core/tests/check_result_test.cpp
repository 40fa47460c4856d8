#include <catch2/catch.hpp>

#include "notifyd/sdk/check_output.hpp"
#include "notifyd/sdk/check_result.hpp"

using notifyd::sdk::parse_check_result;
using notifyd::sdk::parse_cooldown;

TEST_CASE("the seed contract parses with every field") {
  auto result = parse_check_result(R"({"notify": true, "title": "Revenue dropped 25%",
      "message": "Today: $45k | 7d avg: $60k", "image_path": "/tmp/chart.png", "cooldown": "6h",
      "data": {"today": 45000, "avg": [1, 2]}})");
  REQUIRE(result.ok());
  CHECK(result->notify);
  CHECK(result->title == "Revenue dropped 25%");
  CHECK(result->message == "Today: $45k | 7d avg: $60k");
  CHECK(result->image_path == "/tmp/chart.png");
  CHECK(result->cooldown == std::chrono::hours(6));
  CHECK(result->data_json == R"({"today":45000,"avg":[1,2]})");
}

TEST_CASE("notify false needs nothing else and defaults the cooldown to 1h") {
  auto result = parse_check_result("{\"notify\": false}\n");
  REQUIRE(result.ok());
  CHECK_FALSE(result->notify);
  CHECK(result->cooldown == std::chrono::hours(1));
}

TEST_CASE("progress lines before the JSON object are tolerated") {
  auto result = parse_check_result("loading data...\nrows: 1200\n{\"notify\": true, \"message\": \"hi\"}\n");
  REQUIRE(result.ok());
  CHECK(result->message == "hi");
}

TEST_CASE("the parser names what is wrong") {
  struct Case {
    const char* output;
    const char* expected;
  };
  const Case cases[] = {
      {"", "stdout is empty"},
      {"not json at all", "stdout is not JSON"},
      {"[1, 2]", "must be one JSON object"},
      {"{\"title\": \"x\"}", "`notify` is missing"},
      {"{\"notify\": \"yes\"}", "`notify` must be true or false"},
      {"{\"notify\": true}", "`message` is required when `notify` is true"},
      {"{\"notify\": true, \"message\": 5}", "`message` must be a string"},
      {"{\"notify\": true, \"message\": \"m\", \"image_path\": \"chart.png\"}", "`image_path` must be an absolute path"},
      {"{\"notify\": true, \"message\": \"m\", \"cooldown\": \"soon\"}", "`cooldown` must be"},
      {"{\"notify\": false, \"data\": [1]}", "`data` must be a JSON object"},
      {"{\"notify\": true, \"message\": \"unterminated", "stdout is not JSON"},
  };
  for (const auto& c : cases) {
    INFO(c.output);
    auto result = parse_check_result(c.output);
    REQUIRE_FALSE(result.ok());
    CHECK_THAT(result.error(), Catch::Contains(c.expected));
  }
}

TEST_CASE("hostile output cannot crash the parser") {
  CHECK_FALSE(parse_check_result(std::string(200000, '[')).ok());
  CHECK_FALSE(parse_check_result("{\"notify\": false, \"data\": " + std::string(100, '[') + "}").ok());
  CHECK_FALSE(parse_check_result(std::string(notifyd::sdk::max_check_output_bytes + 1, ' ')).ok());
  CHECK_FALSE(parse_check_result(std::string("{\"notify\": true, \"message\": \"\xff\xfe\"}")).ok());
  CHECK_FALSE(parse_check_result(std::string("\0\0\0", 3)).ok());
}

TEST_CASE("cooldowns are <n>m, <n>h or <n>d") {
  CHECK(parse_cooldown("1m").value() == std::chrono::minutes(1));
  CHECK(parse_cooldown("15m").value() == std::chrono::minutes(15));
  CHECK(parse_cooldown("12h").value() == std::chrono::hours(12));
  CHECK(parse_cooldown("1d").value() == std::chrono::hours(24));
  CHECK(parse_cooldown("90m").value() == std::chrono::minutes(90));
  for (const char* bad : {"", "m", "0m", "-5m", "1s", "1w", "1.5h", "h1", "10", "99999999999999d"}) {
    INFO(bad);
    CHECK_FALSE(parse_cooldown(bad).ok());
  }
}

TEST_CASE("read leniently, the old runner's tolerated outputs work and say what to tidy") {
  using notifyd::sdk::read_check_output;
  struct Case {
    const char* output;
    bool notify;
    const char* title;
    const char* message;
    const char* image_path;
    std::int64_t cooldown_seconds;
    std::vector<std::string> warnings;
  };
  const Case cases[] = {
      {"{\"notify\": true, \"message\": \"m\", \"cooldown\": \"30m\"}", true, "", "m", "", 1800, {}},
      {"", false, "", "", "", 3600, {"stdout is empty; nothing to report (print {\"notify\": false} to say so)"}},
      {"\n  \n", false, "", "", "", 3600, {"stdout is empty; nothing to report (print {\"notify\": false} to say so)"}},
      {"{\"title\": \"x\", \"message\": \"m\"}", false, "x", "m", "", 3600,
       {"`notify` is missing; read as false, nothing sent (print \"notify\": false or true)"}},
      {"{\"notify\": null}", false, "", "", "", 3600,
       {"`notify` is missing; read as false, nothing sent (print \"notify\": false or true)"}},
      {"{\"notify\": true, \"title\": \"Disk full\"}", true, "Disk full", "", "", 3600,
       {"`message` is required when `notify` is true; the title is sent alone"}},
      {"{\"notify\": true, \"image_path\": \"/tmp/c.png\"}", true, "", "", "/tmp/c.png", 3600,
       {"`message` is required when `notify` is true; the image is sent alone"}},
      {"{\"notify\": true}", false, "", "", "", 3600,
       {"`message` is required when `notify` is true; nothing to send"}},
      {"{\"notify\": true, \"message\": \"m\", \"image_path\": \"chart.png\"}", true, "", "m", "", 3600,
       {"`image_path` must be an absolute path, got \"chart.png\"; the image is left out"}},
      {"{\"notify\": true, \"image_path\": \"chart.png\"}", false, "", "", "", 3600,
       {"`image_path` must be an absolute path, got \"chart.png\"; the image is left out",
        "`message` is required when `notify` is true; nothing to send"}},
      {"{\"notify\": true, \"message\": \"m\", \"cooldown\": \" 2H \"}", true, "", "m", "", 7200, {}},
      {"{\"notify\": true, \"message\": \"m\", \"cooldown\": \"1D\"}", true, "", "m", "", 86400, {}},
      {"{\"notify\": true, \"message\": \"m\", \"cooldown\": \"\"}", true, "", "m", "", 3600, {}},
      {"{\"notify\": false, \"cooldown\": \"soon\"}", false, "", "", "", 3600,
       {"`cooldown` must be a number and m, h or d (e.g. 30m, 1h, 1d), got \"soon\"; used the default 1h"}},
      {"{\"notify\": true, \"message\": \"m\", \"cooldown\": \"0m\"}", true, "", "m", "", 3600,
       {"`cooldown` must be a number and m, h or d (e.g. 30m, 1h, 1d), got \"0m\"; used the default 1h"}},
      {"{\"notify\": true, \"message\": \"m\", \"cooldown\": \"45s\"}", true, "", "m", "", 3600,
       {"`cooldown` must be a number and m, h or d (e.g. 30m, 1h, 1d), got \"45s\"; used the default 1h"}},
      {"{\"notify\": true, \"message\": \"m\", \"cooldown\": 30}", true, "", "m", "", 3600,
       {"`cooldown` must be a string such as \"30m\", got 30; used the default 1h"}},
  };
  for (const auto& c : cases) {
    INFO(c.output);
    auto read = read_check_output(c.output);
    REQUIRE(read.ok());
    CHECK(read->result.notify == c.notify);
    CHECK(read->result.title == c.title);
    CHECK(read->result.message == c.message);
    CHECK(read->result.image_path == c.image_path);
    CHECK(read->result.cooldown.count() == c.cooldown_seconds);
    CHECK(read->warnings == c.warnings);
  }
}

TEST_CASE("read leniently, a non-zero exit's kin stay failures: not JSON, not an object, wrong types") {
  for (const char* output : {"not json", "[1]", "{\"notify\": \"yes\"}", "{\"notify\": 1}",
                             "{\"notify\": true, \"message\": 5}", "{\"notify\": false, \"data\": [1]}"}) {
    INFO(output);
    CHECK_FALSE(notifyd::sdk::read_check_output(output).ok());
  }
}
