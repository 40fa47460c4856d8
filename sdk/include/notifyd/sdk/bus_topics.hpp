#pragma once
// Doorbells the host rings on `Coordination::bus()` for plugins to listen to.

#include <string_view>

namespace notifyd::sdk {

/// Rung on every replica after notifications were committed to the store
/// (bursts are rung once); the note is the highest id committed so far by
/// the ringing replica, in decimal. A reader of history after its own
/// cursor (`HistoryQuery::after_id`) looks again; a ring may be lost, so it
/// also looks on a timer of its own.
inline constexpr std::string_view notifications_committed_topic = "notifications/committed";

/// Rung by a store shared by replicas once per notification, by the
/// transaction that stores it (so only when it commits, in commit order,
/// which across replicas need not be id order). The note is the
/// notification as `GET /v1/history` shows it (`api::HistoryEntry`'s JSON:
/// its deliveries pending, without `data` and attempts), or `{"id":<id>}`
/// alone for one too large for a note or with an image: read it from
/// history. A ring may be lost: a reader that follows these keeps reading
/// history after its cursor on a timer, and where an id is missing.
inline constexpr std::string_view notification_stored_topic = "notifications/stored";

}  // namespace notifyd::sdk
