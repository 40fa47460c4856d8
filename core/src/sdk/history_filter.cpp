#include "notifyd/sdk/history_filter.hpp"

#include "notifyd/sdk/notification_tags.hpp"

namespace notifyd::sdk {

Status read_history_filter(const HttpRequest& request, HistoryQuery& query) {
  if (const auto priority = request.param("min_priority"); priority && !priority->empty()) {
    query.min_priority = parse_priority(*priority);
    if (!query.min_priority) return Status::failure("min_priority: expected " + std::string(priority_choices));
  }
  if (const auto tag = request.param("tag"); tag && !tag->empty()) {
    auto normalized = normalized_tag(*tag);
    if (!normalized) return Status::failure("tag: " + normalized.error());
    query.tag = std::move(normalized).value();
  }
  return Status::success();
}

}  // namespace notifyd::sdk
