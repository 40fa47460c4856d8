#pragma once

#include "check_runner.hpp"
#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/notification_service.hpp"

namespace notifyd::core {

/// Registers the check routes on the socket and web surfaces:
///   GET  /v1/checks[?user=]              the caller's checks with last run, last sent, next run
///   POST /v1/checks/<name>/run[?user=]   runs one now; answers with the run and its notification
///   GET  /v1/checks/<name>/runs[?limit=] recent runs with stderr
/// An ordinary caller sees and runs only its own checks; admins may name a user.
/// With replicas, the list has the checks only other host groups have too
/// (`elsewhere`, their `host_group`, whether a replica of it is running).
sdk::Status register_check_routes(sdk::RouteRegistry& routes, CheckRunner& runner,
                                  sdk::NotificationService& notifications);

/// The HTTP status a run refused for `kind` answers: 404 for a check no host
/// group has; 503 when it did not run and may be asked again (no live replica
/// of its group, nobody took it in time, stopping, a database unavailable);
/// 504 when another replica took it and its outcome is unknown (it stopped,
/// or no answer came in time); 502 for an unreadable answer; 500 otherwise.
int run_refusal_status(RunRefusal::Kind kind) noexcept;

}  // namespace notifyd::core
