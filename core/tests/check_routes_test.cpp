#include <catch2/catch.hpp>

#include "check_routes.hpp"
#include "test_support.hpp"

using namespace notifyd;
using Kind = core::RunRefusal::Kind;

TEST_CASE("a refused run answers the HTTP status of its kind") {
  CHECK(core::run_refusal_status(Kind::no_such_check) == 404);
  CHECK(core::run_refusal_status(Kind::group_not_running) == 503);
  CHECK(core::run_refusal_status(Kind::not_claimed) == 503);
  CHECK(core::run_refusal_status(Kind::stopping) == 503);
  CHECK(core::run_refusal_status(Kind::unavailable) == 503);
  CHECK(core::run_refusal_status(Kind::claimer_stopped) == 504);
  CHECK(core::run_refusal_status(Kind::no_answer) == 504);
  CHECK(core::run_refusal_status(Kind::bad_answer) == 502);
  CHECK(core::run_refusal_status(Kind::failed) == 500);
}

TEST_CASE("a refusal kind keeps its name between replicas; an unknown name is none") {
  for (const auto kind : {Kind::no_such_check, Kind::group_not_running, Kind::not_claimed, Kind::claimer_stopped,
                          Kind::no_answer, Kind::bad_answer, Kind::stopping, Kind::unavailable, Kind::failed}) {
    CHECK(core::refusal_kind_named(core::refusal_kind_name(kind)) == kind);
  }
  CHECK(core::refusal_kind_name(Kind::group_not_running) == "group_not_running");
  CHECK_FALSE(core::refusal_kind_named("no check named").has_value());
  const auto refused = core::RunResult::refused(Kind::stopping, "notifyd is stopping").to_sdk();
  CHECK_FALSE(refused.ok());
  CHECK(refused.error() == "notifyd is stopping");
}

TEST_CASE("POST /v1/checks/<name>/run of an unknown check is a 404 with the runner's reason") {
  test::TestServices services;
  REQUIRE(core::register_check_routes(services.routes, *services.checks, *services.pipeline));
  const auto match = services.routes.find(sdk::surface_socket, "POST", "/v1/checks/nope/run");
  REQUIRE(match.route != nullptr);
  sdk::HttpRequest request;
  request.method = "POST";
  request.path = "/v1/checks/nope/run";
  request.caller = {"alice", false};
  request.path_params = match.path_params;
  std::optional<sdk::HttpResponse> answer;
  match.route->handler(request, [&](sdk::HttpResponse response) { answer = std::move(response); });
  REQUIRE(services.run_until([&] { return answer.has_value(); }));
  CHECK(answer->status == 404);
  CHECK(answer->body == R"({"error":"no check named \"nope\" for alice"})");
}
