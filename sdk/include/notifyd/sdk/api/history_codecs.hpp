#pragma once
// `GET /v1/history` and `GET /v1/health` answers. Served by the socket
// front-end, decoded by notifyctl.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/api/json_codec.hpp"
#include "notifyd/sdk/cluster_view.hpp"
#include "notifyd/sdk/notification_service.hpp"

namespace notifyd::sdk::api {

/// `GET /v1/history`: `{"notifications":[<HistoryEntry>...],"next_before":<id or null>}`, newest first.
struct HistoryPage {
  std::vector<HistoryEntry> notifications;
  std::optional<std::uint64_t> next_before;  ///< pass as `?before=` for older ones; nothing when none are left
};

/// `GET /v1/health`: `{"status":"ok","channels":[<ChannelHealth>...],"cluster":<ClusterView>}`.
struct HealthReport {
  std::string status;  ///< "ok", or "degraded" while a connection to the shared database is down
  std::vector<ChannelHealth> channels;
  std::optional<ClusterView> cluster{};  ///< absent from a daemon that does not report it
};

/// `{"id","user","title","message","format","source","data","image","created_at",
/// "deliveries":[{"channel","state","attempts","last_error","updated_at"}],
/// "attempts":[{"channel","at","outcome","error"}],"priority","tags"}`:
/// `format` a wire name (`Markdown`, `plain`, …), `data` the kept object or
/// null, `image` whether there is one, times ISO-8601 with milliseconds,
/// `priority` 1–5, `tags` an array of strings. A reader takes an entry without
/// `priority` and `tags` (a daemon from before them) as default and none.
NOTIFYD_API_JSON_CODEC(HistoryEntry);

NOTIFYD_API_JSON_CODEC(DeliveryRecord);

NOTIFYD_API_JSON_CODEC(AttemptRecord);

NOTIFYD_API_JSON_CODEC(HistoryPage);

/// `{"channel","pending","in_flight","retrying","delivered","failed"}`, then
/// `state`, `last_error` and `figures` (`{"connections":3}`, in order) only
/// when there is something to say, then `leads` (true/false).
NOTIFYD_API_JSON_CODEC(ChannelHealth);

/// `{"backend","replica","host_group","lease_ttl_ms","schema_version",
/// "connections":[{"name","state","since","last_error"}],
/// "replicas":[{"name","host_group","version","address","pid","started_at","self"}],
/// "leases":[{"name","holder","epoch","expires_at"}],"as_of"}`: times ISO-8601
/// with milliseconds, null when unknown (`expires_at` of a local lease, `as_of`
/// before the first reading); `last_error` and `address` null when empty.
NOTIFYD_API_JSON_CODEC(ClusterView);

NOTIFYD_API_JSON_CODEC(EngineConnection);

NOTIFYD_API_JSON_CODEC(ReplicaView);

NOTIFYD_API_JSON_CODEC(LeaseView);

NOTIFYD_API_JSON_CODEC(HealthReport);

/// `POST /v1/notify`, `/send`, `/send_photo` accepted: `{"ok":true,"id":<id>,"channels":[<name>...]}`
/// (refusals are `{"error": ...}` answers). Decodes to an accepted outcome.
NOTIFYD_API_JSON_CODEC(PublishOutcome);

}  // namespace notifyd::sdk::api
