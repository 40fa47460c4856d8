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

}  // namespace notifyd::sdk
