#include <catch2/catch.hpp>

#include <string>

#include "answer_text.hpp"

using namespace notifyctl;

TEST_CASE("pretty JSON gives up on depths nobody can read", "[answer_text]") {
  CHECK(pretty_json(std::string(64, '[') + std::string(64, ']')).has_value());
  CHECK_FALSE(pretty_json(std::string(65, '[') + std::string(65, ']')));
  CHECK_FALSE(pretty_json(std::string(200000, '[') + std::string(200000, ']')));
  CHECK_FALSE(pretty_json("{\"a\":"));
}

TEST_CASE("a refusal is described by the daemon's error message and the status", "[answer_text]") {
  CHECK(describe_refusal(404, "Not Found", R"({"error":"user alice is not linked"})") ==
        "user alice is not linked (HTTP 404)");
  CHECK(describe_refusal(500, "Internal Server Error", "{}") == "Internal Server Error (HTTP 500)");
  CHECK(describe_refusal(502, "Bad Gateway", "upstream died\nstack trace") == "upstream died (HTTP 502)");
  CHECK(describe_refusal(403, "", "") == "request refused (HTTP 403)");
  CHECK(describe_refusal(400, "Bad Request", R"({"error":"bad\u001b[0m"})") == "bad\xEF\xBF\xBD[0m (HTTP 400)");
  CHECK(describe_refusal(400, "Bad Request", "[\"error\"]") == "Bad Request (HTTP 400)");
}
