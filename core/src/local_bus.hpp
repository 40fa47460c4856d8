#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "notifyd/sdk/coordination.hpp"

namespace notifyd::core {

/// `sdk::Bus` in this process: a ring is posted at once to every listener of
/// its topic, on the listener's executor. Nothing is lost while the process
/// runs; a note longer than 1,000 bytes is cut there.
class LocalBus final : public sdk::Bus {
 public:
  /// Longest note a ring carries.
  static constexpr std::size_t max_note_bytes = 1000;

  LocalBus();
  ~LocalBus() override;

  void ring(std::string_view topic, std::string_view note = {}) noexcept override;
  sdk::Subscription listen(std::string topic, boost::asio::any_io_executor executor,
                           std::function<void(std::string note)> rung) noexcept override;

 private:
  struct Listener;
  struct Listeners {
    std::mutex mutex;
    std::multimap<std::string, std::shared_ptr<Listener>> by_topic;
  };
  std::shared_ptr<Listeners> listeners_;  ///< shared with subscriptions, which may outlive the bus
};

}  // namespace notifyd::core
