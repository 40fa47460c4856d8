#pragma once
// The history filters a request's query carries, read the same way by every
// front-end that lists history (the socket API, the dashboard).

#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/notification_service.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk {

/// Reads `min_priority` (a number or name, `parse_priority`) and `tag`
/// (`normalized_tag`) from `request`'s query into `query`; an absent or empty
/// parameter filters nothing. The failure names the parameter, for the
/// caller's error answer: `min_priority: expected 1-5 or min, low, default,
/// high, urgent (max)`, `tag: tag "a,b" contains a comma`. Pure; any thread.
Status read_history_filter(const HttpRequest& request, HistoryQuery& query);

}  // namespace notifyd::sdk
