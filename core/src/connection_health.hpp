#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "notifyd/sdk/cluster_view.hpp"
#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::core {

/// A database connection's state as health shows it (`sdk::EngineConnection`):
/// `connecting` until it first connects, then `connected` or `reconnecting`,
/// since when, and the last error. Thread-safe.
class ConnectionHealth {
 public:
  ConnectionHealth() : since_ms_(sdk::now_epoch_ms()) {}

  /// The connection works.
  void connected() { enter("connected", {}); }
  /// The connection broke, or an attempt to connect failed, because of `error`.
  void broken(std::string error) {
    std::lock_guard lock(mutex_);
    enter_locked(ever_connected_ ? "reconnecting" : "connecting", std::move(error));
  }
  /// The state, named `name`.
  sdk::EngineConnection state(std::string name) const {
    std::lock_guard lock(mutex_);
    return {std::move(name), state_, since_ms_, last_error_};
  }

 private:
  void enter(std::string state, std::string error) {
    std::lock_guard lock(mutex_);
    enter_locked(std::move(state), std::move(error));
  }
  void enter_locked(std::string state, std::string error) {
    if (state == "connected") ever_connected_ = true;
    if (state != state_) {
      state_ = std::move(state);
      since_ms_ = sdk::now_epoch_ms();
    }
    if (!error.empty()) last_error_ = std::move(error);
  }

  mutable std::mutex mutex_;
  std::string state_ = "connecting";  ///< under mutex_, as are the members below
  std::int64_t since_ms_;
  std::string last_error_;
  bool ever_connected_ = false;
};

}  // namespace notifyd::core
