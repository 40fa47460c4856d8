#include <catch2/catch.hpp>

#include "../metrics_page.hpp"

using notifyd::metrics::metrics_page;

namespace {

notifyd::sdk::HttpRequest request(std::string method, std::string path) {
  notifyd::sdk::HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  return request;
}

std::string render() { return "notifyd_up 1\n"; }

}  // namespace

TEST_CASE("metrics page: GET of the path renders the metrics") {
  const auto response = metrics_page(request("GET", "/metrics"), "/metrics", render);
  CHECK(response.status == 200);
  CHECK(response.content_type == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(response.body == "notifyd_up 1\n");
}

TEST_CASE("metrics page: another path is 404 and says where the metrics are") {
  const auto response = metrics_page(request("GET", "/other"), "/metrics", render);
  CHECK(response.status == 404);
  CHECK(response.body == "metrics are at /metrics\n");
}

TEST_CASE("metrics page: other methods are 405 with Allow") {
  const auto response = metrics_page(request("POST", "/metrics"), "/metrics", render);
  CHECK(response.status == 405);
  REQUIRE(response.headers.size() == 1);
  CHECK(response.headers.front().first == "Allow");
  CHECK(response.headers.front().second == "GET, HEAD");
}
