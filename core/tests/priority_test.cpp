#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include "notifyd/sdk/check_output.hpp"
#include "notifyd/sdk/check_result.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/notification_tags.hpp"
#include "notifyd/sdk/priority.hpp"
#include "notifyd/sdk/priority_json.hpp"

using namespace notifyd::sdk;

namespace {

rapidjson::Document json(const char* text) {
  rapidjson::Document document;
  REQUIRE(parse_json(text, document).ok);
  return document;
}

}  // namespace

TEST_CASE("priorities are read as ntfy reads them: numbers, names and the alias max") {
  CHECK(parse_priority("1") == Priority::min);
  CHECK(parse_priority("min") == Priority::min);
  CHECK(parse_priority("2") == Priority::low);
  CHECK(parse_priority("Low") == Priority::low);
  CHECK(parse_priority("3") == Priority::normal);
  CHECK(parse_priority("default") == Priority::normal);
  CHECK(parse_priority(" HIGH\t") == Priority::high);
  CHECK(parse_priority("4") == Priority::high);
  CHECK(parse_priority("5") == Priority::urgent);
  CHECK(parse_priority("urgent") == Priority::urgent);
  CHECK(parse_priority("max") == Priority::urgent);
  for (const char* bad : {"", " ", "0", "6", "-1", "05", "normal", "highest", "urgentt", "3.0", "défault"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_priority(bad));
  }
}

TEST_CASE("each priority has one wire name that reads back as itself") {
  for (int number = 1; number <= 5; ++number) {
    const auto priority = priority_from_number(number);
    REQUIRE(priority);
    CHECK(static_cast<int>(*priority) == number);
    CHECK(parse_priority(priority_name(*priority)) == priority);
  }
  CHECK(priority_name(Priority::normal) == "default");
  CHECK(priority_name(Priority::urgent) == "urgent");
  CHECK_FALSE(priority_from_number(0));
  CHECK_FALSE(priority_from_number(6));
  CHECK(default_priority == Priority::normal);
}

TEST_CASE("a JSON priority is a whole number 1-5 or a name") {
  CHECK(priority_from_json(json("4")).value() == Priority::high);
  CHECK(priority_from_json(json("5.0")).value() == Priority::urgent);
  CHECK(priority_from_json(json(R"("max")")).value() == Priority::urgent);
  CHECK(priority_from_json(json(R"("2")")).value() == Priority::low);
  CHECK(priority_from_json(json("0")).error() == "expected 1-5 or min, low, default, high, urgent (max), got 0");
  CHECK(priority_from_json(json("4.5")).error() == "expected 1-5 or min, low, default, high, urgent (max), got 4.5");
  CHECK(priority_from_json(json(R"("loud")")).error() ==
        "expected 1-5 or min, low, default, high, urgent (max), got \"loud\"");
  CHECK_FALSE(priority_from_json(json("true")).ok());
  CHECK_FALSE(priority_from_json(json("[4]")).ok());
  CHECK_FALSE(priority_from_json(json("1e300")).ok());
}

TEST_CASE("tags are trimmed and checked: length, UTF-8, control characters, commas") {
  CHECK(normalized_tag("  backup\t").value() == "backup");
  CHECK(normalized_tag("disk-full").value() == "disk-full");
  CHECK(normalized_tag("größe über").value() == "größe über");
  CHECK(normalized_tag(std::string(max_tag_bytes, 'a')).ok());
  CHECK(normalized_tag("").error() == "a tag is empty");
  CHECK(normalized_tag("   ").error() == "a tag is empty");
  CHECK(normalized_tag(std::string(max_tag_bytes + 1, 'a')).error() ==
        "tag \"" + std::string(max_tag_bytes + 1, 'a') + "\" is longer than 64 bytes");
  CHECK(normalized_tag("a,b").error() == "tag \"a,b\" contains a comma");
  CHECK(normalized_tag("line\nbreak").error() == "tag \"line?break\" contains a control character");
  CHECK(normalized_tag("bell\x07").error() == "tag \"bell?\" contains a control character");
  CHECK(normalized_tag("del\x7f").error() == "tag \"del?\" contains a control character");
  CHECK(normalized_tag("c1\xc2\x85").error() == "tag \"c1\xc2\x85\" contains a control character");
  CHECK(normalized_tag("bad\xff").error() == "tag \"bad\xEF\xBF\xBD\" is not valid UTF-8");
  CHECK(normalized_tag(std::string("nul\0x", 5)).error() == "tag \"nul?x\" contains a control character");
}

TEST_CASE("a list of tags drops repeats and holds at most ten") {
  CHECK(normalized_tags({"a", " b", "a", "b "}).value() == std::vector<std::string>{"a", "b"});
  std::vector<std::string> ten;
  for (int i = 0; i < 10; ++i) ten.push_back("t" + std::to_string(i));
  CHECK(normalized_tags(ten).value() == ten);
  auto eleven = ten;
  eleven.push_back("t10");
  CHECK(normalized_tags(eleven).error() == "more than 10 tags");
  eleven.back() = "t0";
  CHECK(normalized_tags(eleven).value() == ten);
  CHECK(normalized_tags({"ok", "a,b"}).error() == "tag \"a,b\" contains a comma");
}

TEST_CASE("a comma-separated list of tags, as an HTTP header carries them") {
  CHECK(parse_tag_list("").value().empty());
  CHECK(parse_tag_list("  ").value().empty());
  CHECK(parse_tag_list("backup, nightly ,prod").value() == std::vector<std::string>{"backup", "nightly", "prod"});
  CHECK(parse_tag_list("a,,b").error() == "a tag is empty");
  CHECK(parse_tag_list("a,").error() == "a tag is empty");
}

TEST_CASE("JSON tags are an array of strings") {
  CHECK(tags_from_json(json(R"(["disk", "prod", "disk"])")).value() == std::vector<std::string>{"disk", "prod"});
  CHECK(tags_from_json(json("[]")).value().empty());
  CHECK(tags_from_json(json(R"("disk")")).error() == "expected an array of strings, got \"disk\"");
  CHECK(tags_from_json(json(R"(["disk", 3])")).error() == "expected an array of strings, got 3 in it");
  CHECK(tags_from_json(json(R"(["a\u0000b"])")).error() == "tag \"a?b\" contains a control character");
}

TEST_CASE("a script may set priority and tags; old scripts get the default") {
  auto plain = read_check_output(R"({"notify": true, "message": "hi"})");
  REQUIRE(plain.ok());
  CHECK(plain->result.priority == default_priority);
  CHECK(plain->result.tags.empty());
  CHECK(plain->warnings.empty());

  auto set = parse_check_result(R"({"notify": true, "message": "disk 99%", "priority": "urgent",
      "tags": ["disk", " prod "]})");
  REQUIRE(set.ok());
  CHECK(set->priority == Priority::urgent);
  CHECK(set->tags == std::vector<std::string>{"disk", "prod"});
  CHECK(parse_check_result(R"({"notify": false, "priority": 2})")->priority == Priority::low);
  CHECK(parse_check_result(R"({"notify": true, "message": "m", "priority": null, "tags": null})").ok());
}

TEST_CASE("a priority or tags a script got wrong are warned about, and the run still sends") {
  auto read = read_check_output(R"({"notify": true, "message": "m", "priority": "P1",
      "tags": ["ok", "a,b", 7, "ok", "", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10"]})");
  REQUIRE(read.ok());
  CHECK(read->result.notify);
  CHECK(read->result.priority == default_priority);
  CHECK(read->result.tags == std::vector<std::string>{"ok", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9"});
  CHECK(read->warnings == std::vector<std::string>{
                              "`priority` must be 1-5 or min, low, default, high, urgent (max), got \"P1\"; used the "
                              "default 3 (default)",
                              "`tags`: tag \"a,b\" contains a comma; left it out",
                              "`tags` must hold strings, got 7; left it out",
                              "`tags`: a tag is empty; left it out",
                              "`tags` has more than 10; kept the first 10",
                          });
  auto not_array = read_check_output(R"({"notify": true, "message": "m", "tags": "disk"})");
  REQUIRE(not_array.ok());
  CHECK(not_array->result.tags.empty());
  CHECK(not_array->warnings ==
        std::vector<std::string>{"`tags` must be an array of strings, got \"disk\"; sent without tags"});
  CHECK(parse_check_result(R"({"notify": true, "message": "m", "priority": 9})").error() ==
        "`priority` must be 1-5 or min, low, default, high, urgent (max), got 9; used the default 3 (default)");
}
