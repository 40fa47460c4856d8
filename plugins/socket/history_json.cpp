#include "history_json.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <string_view>

#include "notifyd/sdk/api/history_codecs.hpp"
#include "notifyd/sdk/history_filter.hpp"

namespace notifyd::socket_api {
namespace {

// An unsigned decimal number with nothing around it.
template <class T>
std::optional<T> parse_number(std::string_view text) {
  T value{};
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

sdk::Validated<sdk::HistoryQuery> parse_history_query(const sdk::HttpRequest& request) {
  const sdk::Caller& caller = request.caller;
  sdk::HistoryQuery query;

  const auto user = request.param("user");
  if (user && !user->empty()) {
    if (!caller.may_act_for(*user)) {
      return sdk::HttpResponse::error(403, (caller.user.empty() ? std::string("an unidentified caller") : caller.user) +
                                               " may only read its own history");
    }
    query.user = std::string(*user);
  } else if (!caller.admin) {
    if (caller.user.empty()) return sdk::HttpResponse::error(403, "an unidentified caller has no history");
    query.user = caller.user;
  }

  query.limit = default_history_limit;
  if (const auto limit = request.param("limit")) {
    const auto value = parse_number<std::uint64_t>(*limit);
    if (!value || *value == 0) return sdk::HttpResponse::error(400, "invalid parameter: limit (expected 1 to 500)");
    query.limit = static_cast<std::uint32_t>(std::min<std::uint64_t>(*value, max_history_limit));
  }
  if (const auto before = request.param("before")) {
    const auto value = parse_number<std::uint64_t>(*before);
    if (!value) return sdk::HttpResponse::error(400, "invalid parameter: before (expected a notification id)");
    query.before_id = *value;
  }
  if (auto filter = sdk::read_history_filter(request, query); !filter) {
    return sdk::HttpResponse::error(400, "invalid parameter: " + filter.message);
  }
  return query;
}

sdk::Result<std::string> render_history_page(const sdk::HistoryQuery& query, std::size_t max_bytes,
                                             const HistoryFetch& fetch) {
  // Entries read from the store at once: small, so that a page of large
  // entries never holds more than a few of them beside the answer.
  constexpr std::uint32_t batch_entries = 8;
  static constexpr std::string_view head = R"({"notifications":[)";
  std::string body(head);
  std::uint32_t count = 0;
  std::optional<std::uint64_t> next_before;
  std::uint64_t oldest = 0;  // the last (oldest) id answered so far
  sdk::HistoryQuery batch = query;
  for (;;) {
    batch.limit = std::min(batch_entries, query.limit - count);
    auto entries = fetch(batch);
    if (!entries) return sdk::Result<std::string>::failure(entries.error());
    bool full = false;
    for (const auto& entry : entries.value()) {
      const std::string json = sdk::api::to_json(entry);
      // Room is kept for the separator and the closing `],"next_before":<id>}`.
      if (count > 0 && body.size() + json.size() + 48 > max_bytes) {
        full = true;
        break;
      }
      if (count > 0) body += ',';
      body += json;
      oldest = entry.notification.id;
      ++count;
    }
    if (full || (count >= query.limit && entries.value().size() == batch.limit)) {
      next_before = oldest;
      break;
    }
    if (entries.value().size() < batch.limit || oldest <= 1) break;
    batch.before_id = oldest;
  }
  body += R"(],"next_before":)";
  body += next_before ? std::to_string(*next_before) : std::string("null");
  body += '}';
  return body;
}

std::string render_health(const std::vector<sdk::ChannelHealth>& channels, const sdk::ClusterView& cluster) {
  // A pooled session not needed yet is not down.
  const bool connected = std::ranges::all_of(cluster.connections, [](const sdk::EngineConnection& connection) {
    return connection.state == "connected" || connection.state == "unused";
  });
  return sdk::api::to_json(sdk::api::HealthReport{connected ? "ok" : "degraded", channels, cluster});
}

}  // namespace notifyd::socket_api
