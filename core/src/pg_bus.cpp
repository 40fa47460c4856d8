#include "pg_bus.hpp"

#include <atomic>
#include <charconv>

#include <boost/asio/post.hpp>

namespace notifyd::core {
namespace {

constexpr std::chrono::milliseconds ring_timeout{5000};

/// The topic and note of a payload; nullopt for a payload that is not one of ours.
std::optional<std::pair<std::string, std::string>> parse_payload(std::string_view payload) {
  std::size_t length = 0;
  const auto colon = payload.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto [end, ec] = std::from_chars(payload.data(), payload.data() + colon, length);
  if (ec != std::errc{} || end != payload.data() + colon || length > payload.size() - colon - 1) return std::nullopt;
  return std::pair{std::string(payload.substr(colon + 1, length)), std::string(payload.substr(colon + 1 + length))};
}

}  // namespace

struct PgBus::Listener {
  std::string topic;
  boost::asio::any_io_executor executor;
  std::function<void(std::string)> rung;
  std::atomic<bool> active{true};
};

struct PgBus::Listeners {
  std::mutex mutex;
  std::multimap<std::string, std::shared_ptr<Listener>> by_topic;
  bool stopped = false;

  void heard(const std::string& payload) {
    auto parsed = parse_payload(payload);
    if (!parsed) return;
    std::lock_guard lock(mutex);
    auto [first, last] = by_topic.equal_range(parsed->first);
    for (auto it = first; it != last; ++it) {
      boost::asio::post(it->second->executor, [listener = it->second, note = parsed->second] {
        if (listener->active) listener->rung(note);
      });
    }
  }
};

PgBus::PgBus(std::shared_ptr<ReconnectingPgConnection> link)
    : link_(std::move(link)), listeners_(std::make_shared<Listeners>()) {
  link_->listen(std::string(channel), [weak = std::weak_ptr<Listeners>(listeners_)](std::string payload) {
    if (auto listeners = weak.lock()) listeners->heard(payload);
  });
}

PgBus::~PgBus() {
  std::lock_guard lock(listeners_->mutex);
  listeners_->stopped = true;
  for (auto& [topic, listener] : listeners_->by_topic) listener->active = false;
  listeners_->by_topic.clear();
}

std::string PgBus::payload(std::string_view topic, std::string_view note) {
  return std::to_string(topic.size()) + ":" + std::string(topic) + std::string(note);
}

void PgBus::ring(std::string_view topic, std::string_view note) noexcept {
  try {
    std::string payload = PgBus::payload(topic, note);
    if (payload.size() > max_payload_bytes || payload.find('\0') != std::string::npos) return;
    link_->execute("SELECT pg_notify('" + std::string(channel) + "', $1)", {std::move(payload)}, ring_timeout,
                   [](std::optional<PgError>, PgRows) {});
  } catch (const std::exception&) {
    // A doorbell may be lost; the listeners catch up on their own timers.
  }
}

sdk::Subscription PgBus::listen(std::string topic, boost::asio::any_io_executor executor,
                                std::function<void(std::string note)> rung) noexcept {
  auto listener = std::make_shared<Listener>();
  listener->topic = std::move(topic);
  listener->executor = std::move(executor);
  listener->rung = std::move(rung);
  {
    std::lock_guard lock(listeners_->mutex);
    if (listeners_->stopped) return {};
    listeners_->by_topic.emplace(listener->topic, listener);
  }
  return sdk::Subscription([weak = std::weak_ptr<Listeners>(listeners_), listener] {
    listener->active = false;
    auto listeners = weak.lock();
    if (!listeners) return;
    std::lock_guard lock(listeners->mutex);
    for (auto it = listeners->by_topic.begin(); it != listeners->by_topic.end(); ++it) {
      if (it->second == listener) {
        listeners->by_topic.erase(it);
        break;
      }
    }
  });
}

}  // namespace notifyd::core
