#pragma once
// The History page: the user's notifications, newest first, paged.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "notifyd/sdk/notification_service.hpp"

namespace notifyd::webui {

/// Notifications on one page of History.
inline constexpr std::uint32_t history_page_size = 20;

/// One page of history.
struct HistoryView {
  std::vector<sdk::HistoryEntry> entries;  ///< newest first
  std::uint64_t before_id = 0;             ///< the page's `before`; 0 = the newest page
  std::uint64_t next_before = 0;           ///< `before` of the next (older) page; 0 = none
  std::optional<sdk::Priority> min_priority;  ///< the `min_priority` filter; nothing = any
  std::string tag;                         ///< the `tag` filter; empty = any
};

/// The URL of notification `id`'s image.
std::string image_url(std::uint64_t id);

/// The page's main content: a filter form (lowest priority, tag), then one
/// card per notification with its priority (when not the default) and tags;
/// the pager's links keep the filters.
std::string render_history_page(const HistoryView& view);

}  // namespace notifyd::webui
