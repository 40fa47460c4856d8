#pragma once
// `GET /v1/history` and `GET /v1/health`: the query they accept and the JSON
// they answer. Pure functions, tested without a network.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "notifyd/sdk/cluster_view.hpp"
#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/notification_service.hpp"
#include "notifyd/sdk/validated.hpp"

namespace notifyd::socket_api {

/// Entries answered when `limit` is not given.
inline constexpr std::uint32_t default_history_limit = 50;
/// Most entries one history request answers; larger limits are lowered to it.
inline constexpr std::uint32_t max_history_limit = 500;

/// Reads `user`, `limit`, `before`, and the filters `min_priority` and `tag`
/// (`sdk::read_history_filter`) from the query. An ordinary caller reads its own history (`user`
/// defaults to itself; another user is 403); an admin may name anyone or
/// nobody (every user). Bad numbers, priorities and tags are 400.
sdk::Validated<sdk::HistoryQuery> parse_history_query(const sdk::HttpRequest& request);

/// Reads history entries for a query (the store, in the daemon).
using HistoryFetch = std::function<sdk::Result<std::vector<sdk::HistoryEntry>>(const sdk::HistoryQuery& query)>;

/// `{"notifications":[...], "next_before": <id or null>}` for `query`, read
/// from `fetch` a few entries at a time, newest first. The page ends at
/// `query.limit` entries or when the next entry would take the answer past
/// `max_bytes` (the first entry is always included, whatever its size);
/// `next_before` is then the oldest id answered, and null when nothing older
/// is left. Memory: the answer plus one small batch of entries.
sdk::Result<std::string> render_history_page(const sdk::HistoryQuery& query, std::size_t max_bytes,
                                             const HistoryFetch& fetch);

/// `{"status":"ok","channels":[{"channel","pending","in_flight","retrying","delivered","failed","state",
/// "last_error","figures","leads"}],"cluster":{...}}`; `state`, `last_error` and `figures` only when there is
/// something to say, `figures` holding the channel's own counts, e.g. `{"connections":3}`; `cluster` the
/// replicas, leases and connections of `cluster` (`sdk::api::ClusterView`). The status is "degraded"
/// while a connection to the shared database is not up.
std::string render_health(const std::vector<sdk::ChannelHealth>& channels, const sdk::ClusterView& cluster);

}  // namespace notifyd::socket_api
