#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace notifyd::websocket {

/// Notifications a replay (`since`) wrote to a user's app while the outbox
/// still held their delivery as pending. The outbox's next attempt of such a
/// delivery is answered "delivered" at once, connected or not: the app has
/// it, so history records it so and the retries stop. Bounded: beyond
/// `capacity` receipts the oldest (lowest id) are forgotten, and that
/// delivery is simply retried as before. Thread-safe.
class ReplayReceipts {
 public:
  explicit ReplayReceipts(std::size_t capacity = 4096) noexcept : capacity_(capacity) {}

  /// Records that `user`'s app received notification `id`.
  void add(std::string_view user, std::uint64_t id);
  /// True (and the receipt is used up) when `user`'s app received `id`.
  bool take(std::string_view user, std::uint64_t id);
  /// Receipts held.
  std::size_t size() const;

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::map<std::uint64_t, std::string> users_;  ///< by notification id (ids are global)
};

}  // namespace notifyd::websocket
