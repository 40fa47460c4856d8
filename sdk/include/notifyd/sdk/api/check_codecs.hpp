#pragma once
// `/v1/checks` answers: the checks with their last run, one run, the run
// history. Served by core (check_routes), decoded by notifyctl.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "notifyd/sdk/api/json_codec.hpp"
#include "notifyd/sdk/check_service.hpp"
#include "notifyd/sdk/notification.hpp"

namespace notifyd::sdk::api {

/// `GET /v1/checks`: `{"checks":[<CheckStatus>...]}`.
struct CheckList {
  std::vector<CheckStatus> checks;
};

/// `GET /v1/checks/<name>/runs`: `{"runs":[<RunRecord>...],"next_before":<id or null>}`, newest first.
struct RunList {
  std::vector<RunRecord> runs;
  std::optional<std::uint64_t> next_before;  ///< pass as `?before=` for older runs; nothing when none are left
};

/// `POST /v1/checks/<name>/run`: `{"run":<RunRecord>,"notification":{"id","title","message","image"} or null}`.
struct RunReport {
  RunRecord run;
  /// What the run sent: id, title, message, and `image_path` (`withheld_image_path`
  /// after decoding) when it carried an image.
  std::optional<Notification> notification;
};

/// `{"id","check","user","trigger","started_at","duration_ms","exit_code","outcome","detail","stderr",
/// "notification_id"}`; `started_at` ISO-8601 with milliseconds; `exit_code`, `notification_id` and a
/// `started_at` of 0 are null when absent.
NOTIFYD_API_JSON_CODEC(RunRecord);

/// `{"name","user","schedule","origin","provider","timeout_ms","last_run","last_sent","next_run",
/// "host_group","elsewhere","group_running"}`; `last_run` a RunRecord or null, the times ISO-8601 or
/// null (never / not scheduled), `host_group` a string or null (no replicas).
NOTIFYD_API_JSON_CODEC(CheckStatus);

/// A notification on its own, as a run report names what the run sent:
/// `{"id","title","message","image"}`.
NOTIFYD_API_JSON_CODEC(Notification);

NOTIFYD_API_JSON_CODEC(CheckList);

NOTIFYD_API_JSON_CODEC(RunList);

NOTIFYD_API_JSON_CODEC(RunReport);

}  // namespace notifyd::sdk::api
