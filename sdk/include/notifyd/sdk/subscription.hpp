#pragma once

#include <functional>
#include <utility>

namespace notifyd::sdk {

/// A standing interest (a document watch, a doorbell listener) that ends when
/// this handle is reset or destroyed. Callbacks run on the executor given
/// when subscribing; once `reset` returned on that executor, no further
/// callback of this subscription starts there. Move-only.
class Subscription {
 public:
  Subscription() = default;
  /// A subscription that calls `cancel` once when it ends.
  explicit Subscription(std::function<void()> cancel) : cancel_(std::move(cancel)) {}
  Subscription(Subscription&& other) noexcept : cancel_(std::exchange(other.cancel_, {})) {}
  Subscription& operator=(Subscription&& other) noexcept {
    if (this != &other) {
      reset();
      cancel_ = std::exchange(other.cancel_, {});
    }
    return *this;
  }
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription() { reset(); }

  /// Ends the subscription. Idempotent.
  void reset() noexcept {
    if (auto cancel = std::exchange(cancel_, {})) cancel();
  }
  /// True while the subscription stands.
  explicit operator bool() const noexcept { return static_cast<bool>(cancel_); }

 private:
  std::function<void()> cancel_;
};

}  // namespace notifyd::sdk
