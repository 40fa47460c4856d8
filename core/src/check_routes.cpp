#include "check_routes.hpp"

#include <algorithm>
#include <charconv>

#include "notifyd/sdk/api/check_codecs.hpp"

namespace notifyd::core {
namespace {

// Runs one `/v1/checks/<name>/runs` answer may list, and its size in bytes (one run always fits).
constexpr std::uint32_t max_runs_listed = 500;
constexpr std::size_t max_runs_answer_bytes = 1 << 20;

// The user a request is about: the caller, or (admins only) `?user=`.
std::optional<std::string> target_user(const sdk::HttpRequest& request, sdk::Responder& respond) {
  std::string user = request.caller.user;
  if (auto named = request.param("user"); named && !named->empty()) user = std::string(*named);
  if (user.empty()) {
    respond(sdk::HttpResponse::error(401, "login required"));
    return std::nullopt;
  }
  if (!request.caller.may_act_for(user)) {
    respond(sdk::HttpResponse::error(403, request.caller.user + " may only see and run its own checks"));
    return std::nullopt;
  }
  return user;
}

// A check with no runs yet is known by its definition; one that was removed keeps its runs.
bool knows_check(const CheckRunner& runner, const std::string& user, std::string_view name) {
  const auto checks = runner.checks(user);
  return std::any_of(checks.begin(), checks.end(),
                     [&](const sdk::CheckStatus& status) { return status.definition.name == name; });
}

}  // namespace

int run_refusal_status(RunRefusal::Kind kind) noexcept {
  using Kind = RunRefusal::Kind;
  switch (kind) {
    case Kind::no_such_check:
      return 404;
    case Kind::group_not_running:
    case Kind::not_claimed:
    case Kind::stopping:
    case Kind::unavailable:
      return 503;
    case Kind::claimer_stopped:
    case Kind::no_answer:
      return 504;
    case Kind::bad_answer:
      return 502;
    case Kind::failed:
      break;
  }
  return 500;
}

sdk::Status register_check_routes(sdk::RouteRegistry& routes, CheckRunner& runner,
                                  sdk::NotificationService& notifications) {
  const std::uint32_t surfaces = sdk::surface_socket | sdk::surface_web;
  sdk::Route list{"GET", "/v1/checks", false, surfaces, false, [&runner](sdk::HttpRequest request, sdk::Responder respond) {
    auto user = target_user(request, respond);
    if (!user) return;
    respond(sdk::HttpResponse::json(200, sdk::api::to_json(sdk::api::CheckList{runner.checks(*user)})));
  }};

  sdk::Route run{"POST", "/v1/checks", true, surfaces, false,
                 [&runner, &notifications](sdk::HttpRequest request, sdk::Responder respond) {
    if (request.path_params.size() != 2 || request.path_params[1] != "run") {
      return respond(sdk::HttpResponse::error(404, "not found"));
    }
    auto user = target_user(request, respond);
    if (!user) return;
    const std::string name = request.path_params[0];
    const std::string trigger = request.caller.user == *user ? "manual" : "manual:" + request.caller.user;
    runner.run(*user, name, trigger, [respond, &notifications](RunResult result) {
      if (!result) {
        return respond(sdk::HttpResponse::error(run_refusal_status(result.refusal().kind), result.refusal().message));
      }
      sdk::api::RunReport report{result.value(), std::nullopt};
      if (const auto id = report.run.notification_id) {
        if (auto entry = notifications.find(id)) report.notification = std::move(entry.value().notification);
      }
      respond(sdk::HttpResponse::json(200, sdk::api::to_json(report)));
    });
  }};

  sdk::Route history{"GET", "/v1/checks", true, surfaces, false, [&runner](sdk::HttpRequest request, sdk::Responder respond) {
    if (request.path_params.size() != 2 || request.path_params[1] != "runs") {
      return respond(sdk::HttpResponse::error(404, "not found"));
    }
    auto user = target_user(request, respond);
    if (!user) return;
    std::uint32_t limit = 20;
    if (auto text = request.param("limit")) {
      auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
      if (ec != std::errc{} || end != text->data() + text->size() || limit == 0) {
        return respond(sdk::HttpResponse::error(400, "limit must be a positive number"));
      }
    }
    limit = std::min<std::uint32_t>(limit, max_runs_listed);
    std::uint64_t before = 0;
    if (auto text = request.param("before")) {
      auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), before);
      if (ec != std::errc{} || end != text->data() + text->size()) {
        return respond(sdk::HttpResponse::error(400, "before must be a run id"));
      }
    }
    // From the newest: one run more than the page shows tells whether there is a next page.
    const std::uint32_t wanted = before == 0 ? std::min(limit + 1, max_runs_listed) : max_runs_listed;
    auto runs = runner.runs(*user, request.path_params[0], wanted);
    if (!runs) return respond(sdk::HttpResponse::error(500, runs.error()));
    const std::string& name = request.path_params[0];
    if (runs.value().empty() && !knows_check(runner, *user, name)) {
      return respond(sdk::HttpResponse::error(404, "no check named \"" + name + "\" for " + *user));
    }
    // Newest first; a page ends at `limit` runs or before the answer would pass max_runs_answer_bytes.
    sdk::api::RunList page;
    std::size_t bytes = 0;
    for (auto& record : runs.value()) {
      if (before != 0 && record.id >= before) continue;
      const std::size_t size = sdk::api::to_json(record).size() + 1;
      if (page.runs.size() == limit || (!page.runs.empty() && bytes + size + 32 > max_runs_answer_bytes)) {
        page.next_before = page.runs.back().id;
        break;
      }
      bytes += size;
      page.runs.push_back(std::move(record));
    }
    respond(sdk::HttpResponse::json(200, sdk::api::to_json(page)));
  }};

  for (auto* route : {&list, &run, &history}) {
    if (auto status = routes.add(std::move(*route)); !status) return status;
  }
  return sdk::Status::success();
}

}  // namespace notifyd::core
