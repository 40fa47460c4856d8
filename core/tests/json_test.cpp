#include <catch2/catch.hpp>

#include <string>

#include "notifyd/sdk/json.hpp"

using namespace notifyd;

namespace {

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

rapidjson::Document parsed(std::string_view text) {
  rapidjson::Document document;
  REQUIRE(sdk::parse_json(text, document));
  return document;
}

}  // namespace

TEST_CASE("parse_json reads one value", "[json]") {
  const auto document = parsed(R"( {"a": [1, "x", null], "b": {"c": true}} )");
  REQUIRE(document.IsObject());
  CHECK(document["a"].Size() == 3);
  CHECK(sdk::json_text(document) == R"({"a":[1,"x",null],"b":{"c":true}})");
}

TEST_CASE("parse_json says where the text broke", "[json]") {
  rapidjson::Document document;
  CHECK(sdk::parse_json("{oops", document).message == "Missing a name for object member. at offset 1");
  CHECK(sdk::parse_json("", document).message == "The document is empty. at offset 0");
  CHECK(sdk::parse_json("{} trailing", document).message == "The document root must not be followed by other values. at offset 3");
  CHECK_FALSE(sdk::parse_json("[1,]", document));
  CHECK_FALSE(sdk::parse_json("NaN", document));
}

TEST_CASE("parse_json validates UTF-8 always", "[json]") {
  rapidjson::Document document;
  CHECK(sdk::parse_json("\"caf\xC3\xA9\"", document));
  const auto bad = sdk::parse_json("\"caf\xC3\"", document);
  CHECK_FALSE(bad);
  CHECK(bad.message.starts_with("Invalid encoding in string."));
  CHECK_FALSE(sdk::parse_json("\"\xFF\"", document));
  CHECK_FALSE(sdk::parse_json("\"\xED\xA0\x80\"", document));  // an encoded surrogate
}

TEST_CASE("parse_json refuses a number past the largest double however it is written", "[json]") {
  // Found by fuzz/api_bodies.cpp: RapidJSON read a long significand with an
  // exponent as infinity, which json_text could not write back (it wrote "").
  rapidjson::Document document;
  CHECK(sdk::parse_json("1e309", document).message == "Number too big to be stored in double. at offset 0");
  CHECK(sdk::parse_json("100000000000000000000e290", document).message == "a number too big for a double");
  CHECK(sdk::parse_json("-100000000000000000000e290", document).message == "a number too big for a double");
  CHECK(sdk::parse_json(R"({"data": {"x": [18446744073709551616e292]}})", document).message ==
        "a number too big for a double");
  CHECK(sdk::parse_json(sdk::json_text(parsed("100000000000000000000e287")), document));
  CHECK(sdk::json_text(parsed("100000000000000000000e-400")) == "0.0");
}

TEST_CASE("parse_json refuses nesting deeper than the limit before parsing", "[json]") {
  rapidjson::Document document;
  CHECK(sdk::parse_json(nested(64), document));
  CHECK(sdk::parse_json(nested(65), document).message == "nested deeper than 64 levels");
  CHECK(sdk::parse_json(nested(3), document, {.max_bytes = 100, .max_depth = 2}).message ==
        "nested deeper than 2 levels");
  CHECK(sdk::parse_json("[\"[[[[\"]", document, {.max_bytes = 100, .max_depth = 1}));  // brackets in a string
  CHECK(sdk::parse_json("[\"\\\"[[\"]", document, {.max_bytes = 100, .max_depth = 1}));
  CHECK_FALSE(sdk::parse_json(nested(100'000), document));
}

TEST_CASE("parse_json refuses text over the size limit", "[json]") {
  rapidjson::Document document;
  CHECK(sdk::parse_json("[1,2]", document, {.max_bytes = 5}));
  CHECK(sdk::parse_json("[1,23]", document, {.max_bytes = 5}).message == "larger than 5 bytes");
}

TEST_CASE("member getters check the type", "[json]") {
  const auto document = parsed(R"({"s":"text","i":42,"neg":-7,"negfrac":-1.5,"whole":5.0,"exp":1e3,"frac":1.5,"huge":1e300,)"
                               R"("big":18446744073709551615,"t":true,"n":null,"o":{"k":"v"}})");
  CHECK(sdk::json_string(document, "s") == "text");
  CHECK_FALSE(sdk::json_string(document, "i"));
  CHECK_FALSE(sdk::json_string(document, "missing"));
  CHECK(sdk::json_int64(document, "i") == 42);
  CHECK(sdk::json_int64(document, "neg") == -7);
  CHECK(sdk::json_int64(document, "whole") == 5);
  CHECK(sdk::json_int64(document, "exp") == 1000);
  CHECK_FALSE(sdk::json_int64(document, "frac"));
  CHECK_FALSE(sdk::json_int64(document, "huge"));
  CHECK_FALSE(sdk::json_int64(document, "big"));
  CHECK_FALSE(sdk::json_int64(document, "s"));
  CHECK(sdk::json_int64_floor(document, "frac") == 1);
  CHECK(sdk::json_int64_floor(document, "i") == 42);
  CHECK(sdk::json_int64_floor(document, "whole") == 5);
  CHECK_FALSE(sdk::json_int64_floor(document, "huge"));
  CHECK_FALSE(sdk::json_int64_floor(document, "s"));
  CHECK(sdk::json_int64_floor(document, "negfrac") == -2);
  CHECK(sdk::json_bool(document, "t") == true);
  CHECK_FALSE(sdk::json_bool(document, "n"));
  CHECK(sdk::json_member(document, "o") != nullptr);
  CHECK(sdk::json_member(document, "absent") == nullptr);
  CHECK(sdk::json_string(*sdk::json_member(document, "o"), "k") == "v");
  CHECK(sdk::json_member(document["s"], "s") == nullptr);  // not an object
}

TEST_CASE("a member name may hold any bytes, NUL included", "[json]") {
  const auto document = parsed(R"({"a\u0000b":1,"a":2})");
  CHECK(sdk::json_int64(document, std::string_view("a\0b", 3)) == 1);
  CHECK(sdk::json_int64(document, "a") == 2);
}

TEST_CASE("required strings say what is wrong", "[json]") {
  const auto document = parsed(R"({"user":"alice","n":null,"i":1})");
  CHECK(sdk::json_required_string(document, "user").value() == "alice");
  CHECK(sdk::json_required_string(document, "missing").error() == "missing field: missing");
  CHECK(sdk::json_required_string(document, "n").error() == "invalid field: n must be a string");
  CHECK(sdk::json_required_string(document, "i").error() == "invalid field: i must be a string");
}
