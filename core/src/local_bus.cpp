#include "local_bus.hpp"

#include <vector>

#include <boost/asio/strand.hpp>

#include "notifyd/sdk/callback_scope.hpp"

namespace notifyd::core {

struct LocalBus::Listener {
  Listener(boost::asio::any_io_executor executor, std::function<void(std::string)> rung)
      : scope(boost::asio::make_strand(executor)), deliver(scope.wrap(std::move(rung))) {}
  sdk::CallbackScope scope;
  std::function<void(std::string)> deliver;
};

LocalBus::LocalBus() : listeners_(std::make_shared<Listeners>()) {}

LocalBus::~LocalBus() {
  std::lock_guard lock(listeners_->mutex);
  for (auto& [topic, listener] : listeners_->by_topic) listener->scope.close();
  listeners_->by_topic.clear();
}

void LocalBus::ring(std::string_view topic, std::string_view note) noexcept {
  try {
    note = note.substr(0, max_note_bytes);
    std::vector<std::shared_ptr<Listener>> hearing;
    {
      std::lock_guard lock(listeners_->mutex);
      const auto [first, last] = listeners_->by_topic.equal_range(std::string(topic));
      for (auto it = first; it != last; ++it) hearing.push_back(it->second);
    }
    for (const auto& listener : hearing) listener->deliver(std::string(note));
  } catch (const std::exception&) {
    // Out of memory: a ring is only a hint, and listeners catch up on their own timer.
  }
}

sdk::Subscription LocalBus::listen(std::string topic, boost::asio::any_io_executor executor,
                                   std::function<void(std::string note)> rung) noexcept {
  try {
    auto listener = std::make_shared<Listener>(std::move(executor), std::move(rung));
    {
      std::lock_guard lock(listeners_->mutex);
      listeners_->by_topic.emplace(std::move(topic), listener);
    }
    return sdk::Subscription([weak = std::weak_ptr<Listeners>(listeners_), listener] {
      if (auto listeners = weak.lock()) {
        std::lock_guard lock(listeners->mutex);
        std::erase_if(listeners->by_topic, [&](const auto& entry) { return entry.second == listener; });
      }
      listener->scope.close();
    });
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace notifyd::core
