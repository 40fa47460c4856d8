#include "check_routes.hpp"

#include <algorithm>
#include <charconv>

#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::core {
namespace {

// Runs one `/v1/checks/<name>/runs` answer may list, and its size in bytes (one run always fits).
constexpr std::uint32_t max_runs_listed = 500;
constexpr std::size_t max_runs_answer_bytes = 1 << 20;

std::string iso_time(std::int64_t ms) {
  if (ms <= 0) return "null";
  return "\"" + sdk::format_utc_timestamp(ms, sdk::SecondFraction::milliseconds) + "\"";
}

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

std::string status_json(const sdk::CheckStatus& status) {
  const auto& d = status.definition;
  return "{\"name\":" + sdk::json_quote(d.name) + ",\"user\":" + sdk::json_quote(d.user) +
         ",\"schedule\":" + sdk::json_quote(d.schedule) + ",\"origin\":" + sdk::json_quote(d.origin) +
         ",\"provider\":" + sdk::json_quote(d.provider) + ",\"timeout_ms\":" + std::to_string(d.timeout.count()) +
         ",\"last_run\":" + (status.last_run ? run_json(*status.last_run) : "null") +
         ",\"last_sent\":" + iso_time(status.last_sent_ms) + ",\"next_run\":" + iso_time(status.next_run_ms) + "}";
}

}  // namespace

std::string run_json(const sdk::RunRecord& run) {
  return "{\"id\":" + std::to_string(run.id) + ",\"check\":" + sdk::json_quote(run.check) +
         ",\"user\":" + sdk::json_quote(run.user) + ",\"trigger\":" + sdk::json_quote(run.trigger) +
         ",\"started_at\":" + iso_time(run.started_at_ms) + ",\"duration_ms\":" + std::to_string(run.duration_ms) +
         ",\"exit_code\":" + (run.exit_code ? std::to_string(*run.exit_code) : "null") +
         ",\"outcome\":" + sdk::json_quote(run.outcome) + ",\"detail\":" + sdk::json_quote(run.detail) +
         ",\"stderr\":" + sdk::json_quote(run.stderr_tail) +
         ",\"notification_id\":" + (run.notification_id ? std::to_string(run.notification_id) : "null") + "}";
}

sdk::Status register_check_routes(sdk::RouteRegistry& routes, CheckRunner& runner,
                                  sdk::NotificationService& notifications) {
  const std::uint32_t surfaces = sdk::surface_socket | sdk::surface_web;
  sdk::Route list{"GET", "/v1/checks", false, surfaces, false, [&runner](sdk::HttpRequest request, sdk::Responder respond) {
    auto user = target_user(request, respond);
    if (!user) return;
    std::string body = "{\"checks\":[";
    bool first = true;
    for (const auto& status : runner.checks(*user)) {
      if (!first) body += ",";
      first = false;
      body += status_json(status);
    }
    respond(sdk::HttpResponse::json(200, body + "]}"));
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
    runner.run(*user, name, trigger, [respond, &notifications](sdk::Result<sdk::RunRecord> result) {
      if (!result) return respond(sdk::HttpResponse::error(404, result.error()));
      std::string body = "{\"run\":" + run_json(result.value()) + ",\"notification\":";
      const auto id = result.value().notification_id;
      auto entry = id ? notifications.find(id) : sdk::Result<sdk::HistoryEntry>::failure("none");
      if (entry) {
        const auto& n = entry.value().notification;
        body += "{\"id\":" + std::to_string(n.id) + ",\"title\":" + sdk::json_quote(n.title) +
                ",\"message\":" + sdk::json_quote(n.message) + ",\"image\":" + (n.image_path.empty() ? "false" : "true") + "}";
      } else {
        body += "null";
      }
      respond(sdk::HttpResponse::json(200, body + "}"));
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
    std::string body = "{\"runs\":[";
    std::uint32_t shown = 0;
    std::uint64_t oldest = 0;
    bool more = false;
    for (const auto& record : runs.value()) {
      if (before != 0 && record.id >= before) continue;
      std::string json = run_json(record);
      if (shown == limit || (shown > 0 && body.size() + json.size() + 32 > max_runs_answer_bytes)) {
        more = true;
        break;
      }
      body += (shown ? "," : "") + json;
      oldest = record.id;
      ++shown;
    }
    body += "],\"next_before\":" + (more ? std::to_string(oldest) : std::string("null")) + "}";
    respond(sdk::HttpResponse::json(200, std::move(body)));
  }};

  for (auto* route : {&list, &run, &history}) {
    if (auto status = routes.add(std::move(*route)); !status) return status;
  }
  return sdk::Status::success();
}

}  // namespace notifyd::core
