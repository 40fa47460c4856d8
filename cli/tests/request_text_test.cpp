#include <catch2/catch.hpp>

#include "request_text.hpp"

using namespace notifyctl;

TEST_CASE("request prints the status line and pretty JSON", "[request_text]") {
  const ApiResponse response{200, "OK", "application/json", R"({"status":"ok","n":[1,2]})"};
  CHECK(request_text(response) ==
        "HTTP 200 OK\n"
        "{\n"
        "  \"status\": \"ok\",\n"
        "  \"n\": [\n"
        "    1,\n"
        "    2\n"
        "  ]\n"
        "}\n");
}

TEST_CASE("request prints a non-JSON body as printable text", "[request_text]") {
  CHECK(request_text(ApiResponse{404, "Not Found", "text/plain", "no such route\x1b[2J"}) ==
        "HTTP 404 Not Found\nno such route\xEF\xBF\xBD[2J\n");
  CHECK(request_text(ApiResponse{204, "No Content", "", ""}) == "HTTP 204 No Content\n");
}
