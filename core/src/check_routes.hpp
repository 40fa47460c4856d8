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
sdk::Status register_check_routes(sdk::RouteRegistry& routes, CheckRunner& runner,
                                  sdk::NotificationService& notifications);

}  // namespace notifyd::core
