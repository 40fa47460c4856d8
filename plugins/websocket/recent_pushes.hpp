#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace notifyd::websocket {

/// The newest notifications pushed to apps, by id, with their user: at most
/// `capacity`, the oldest forgotten first. What replicas tell each other
/// about pushes fits in doorbell notes through `note` and `parse_note`.
class RecentPushes {
 public:
  explicit RecentPushes(std::size_t capacity) : capacity_(capacity) {}

  void add(std::uint64_t id, const std::string& user) {
    if (!users_.emplace(id, user).second) return;
    order_.push_back(id);
    if (order_.size() <= capacity_) return;
    users_.erase(order_.front());
    order_.pop_front();
  }
  bool contains(std::uint64_t id) const { return users_.contains(id); }
  std::size_t size() const noexcept { return order_.size(); }

  /// `pushes` as doorbell notes of at most `max_bytes` each: `id:user,id:user`.
  static std::vector<std::string> notes(const std::vector<std::pair<std::uint64_t, std::string>>& pushes,
                                        std::size_t max_bytes);
  /// The pushes of a note made by `notes`; a malformed item is skipped.
  static std::vector<std::pair<std::uint64_t, std::string>> parse_note(std::string_view note);

 private:
  std::size_t capacity_;
  std::deque<std::uint64_t> order_;
  std::unordered_map<std::uint64_t, std::string> users_;
};

}  // namespace notifyd::websocket
