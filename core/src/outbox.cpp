#include "outbox.hpp"

#include <algorithm>
#include <iterator>
#include <vector>

#include <boost/asio/post.hpp>

#include "notifyd/sdk/bus_topics.hpp"
#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::core {
namespace {

constexpr std::size_t page_size = 1000;

}  // namespace

Outbox::Outbox(boost::asio::io_context& io, std::string channel_name, sdk::Channel& channel,
               boost::asio::any_io_executor channel_executor, NotificationStore& store,
               const PipelineSettings& settings, sdk::Logger& log, sdk::Metrics& metrics, bool leading,
               std::optional<StoreDoorbell> doorbell)
    : strand_(boost::asio::make_strand(io)),
      channel_name_(std::move(channel_name)),
      channel_(channel),
      channel_executor_(std::move(channel_executor)),
      store_(store),
      settings_(settings),
      log_(log),
      retry_timer_(strand_),
      leading_(leading),
      store_current_(leading),
      doorbell_(std::move(doorbell)),
      poll_timer_(strand_),
      delivered_(metrics.counter("deliveries_total", "Deliveries by channel and outcome",
                                 {{"channel", channel_name_}, {"outcome", "delivered"}})),
      failed_(metrics.counter("deliveries_total", "Deliveries by channel and outcome",
                              {{"channel", channel_name_}, {"outcome", "failed"}})),
      retries_(metrics.counter("delivery_retries_total", "Transient delivery failures that were retried",
                               {{"channel", channel_name_}})),
      expired_(metrics.counter("deliveries_total", "Deliveries by channel and outcome",
                               {{"channel", channel_name_}, {"outcome", "expired"}})) {}

void Outbox::start() {
  if (auto count = store_.count_pending(channel_name_)) {
    pending_ = count.value();
    if (count.value() > 0) log_.info(count.value(), " pending deliveries from before the last stop");
  } else {
    log_.error("cannot count pending deliveries: ", count.error());
  }
  boost::asio::post(strand_, [self = shared_from_this()] {
    if (self->doorbell_) {
      self->listen_to_doorbell();
      self->arm_poll_timer();
    }
    self->dispatch();
  });
}

void Outbox::enqueue(std::shared_ptr<const sdk::Notification> notification) {
  pending_.fetch_add(1, std::memory_order_relaxed);
  boost::asio::post(strand_, [self = shared_from_this(), notification = std::move(notification)]() mutable {
    if (self->doorbell_) {
      // Other replicas may have committed lower ids since the last page:
      // the store hands them out together, in id order.
      if (self->leading_ && notification->id > self->loaded_up_to_) {
        self->spilled_ = true;
        self->dispatch();
      }
      return;
    }
    self->admit({std::move(notification), 0});
    self->dispatch();
  });
}

void Outbox::admit(Entry entry) {
  const auto id = entry.notification->id;
  if (!leading_ || id <= loaded_up_to_) return;  // a follower keeps nothing; or already paged in
  if (spilled_ || in_memory() >= settings_.outbox_memory_items) {
    spilled_ = true;  // stays in the store; paged in later in id order
    return;
  }
  loaded_up_to_ = id;
  queue(std::move(entry));
}

std::string Outbox::lane_of(const sdk::Notification& notification) {
  if (notification.priority != sdk::Priority::urgent) return notification.user;
  return notification.user + std::string(urgent_lane_suffix);
}

void Outbox::queue(Entry entry) {
  const std::string lane = lane_of(*entry.notification);
  lanes_[lane].entries.push_back(std::move(entry));
  ++queued_;
  mark_runnable(lane);
}

void Outbox::mark_runnable(const std::string& key) {
  const auto found = lanes_.find(key);
  if (found == lanes_.end()) return;
  Lane& lane = found->second;
  if (lane.entries.empty()) {
    if (!lane.in_flight && !lane.waiting) lanes_.erase(found);
    return;
  }
  if (!lane.in_flight && !lane.waiting && !lane.runnable) {
    lane.runnable = true;
    runnable_.push_back(key);
  }
}

void Outbox::page_in() {
  const std::size_t room = settings_.outbox_memory_items - std::min<std::size_t>(in_memory(), settings_.outbox_memory_items);
  const std::size_t limit = std::min(room, page_size);
  if (limit == 0) return;
  auto page = store_.pending(channel_name_, loaded_up_to_, limit);
  if (!page) {
    log_.error("cannot load pending deliveries: ", page.error());
    return;
  }
  for (auto& pending : page.value()) {
    loaded_up_to_ = pending.notification->id;
    queue({std::move(pending.notification), pending.attempts});
  }
  if (page.value().size() < limit) spilled_ = false;
}

void Outbox::lead(std::function<bool()> still_leads) {
  boost::asio::post(strand_, [self = shared_from_this(), still_leads = std::move(still_leads)]() mutable {
    self->forget_memory();
    self->leading_ = true;
    self->still_leads_ = std::move(still_leads);
    self->resume_from_store();
  });
}

void Outbox::follow(std::function<void()> then) {
  boost::asio::post(strand_, [self = shared_from_this(), then = std::move(then)] {
    self->forget_memory();
    self->leading_ = false;
    self->still_leads_ = {};
    then();
  });
}

void Outbox::forget_memory() {
  ++term_;
  strays_ += in_flight_;
  in_flight_ = 0;
  lanes_.clear();
  runnable_.clear();
  retrying_.clear();
  retrying_count_.store(0, std::memory_order_relaxed);
  retry_timer_.cancel();
  retry_timer_at_ = Clock::time_point::max();
  queued_ = 0;
  loaded_up_to_ = 0;
  spilled_ = true;
  store_current_ = false;
}

void Outbox::resume_from_store() {
  if (strays_ > 0 || !leading_ || store_current_ || stopping_) return;
  store_.after_queued_writes(strand_, [self = shared_from_this(), term = term_] {
    if (term != self->term_ || self->stopping_) return;
    if (auto count = self->store_.count_pending(self->channel_name_)) {
      self->pending_ = count.value();
      if (count.value() > 0) self->log_.info(self->channel_name_, " leads with ", count.value(), " pending deliveries");
    }
    self->store_current_ = true;
    self->dispatch();
  });
}

void Outbox::dispatch() {
  if (stopping_ || !leading_ || !store_current_) return;
  if (spilled_ && in_memory() < settings_.outbox_memory_items / 2 + 1) page_in();
  while (in_flight_ < settings_.max_in_flight && !runnable_.empty()) {
    if (still_leads_ && !still_leads_()) return lease_ran_out();
    const std::string key = std::move(runnable_.front());
    runnable_.pop_front();
    Lane& lane = lanes_.at(key);
    lane.runnable = false;
    Entry entry = std::move(lane.entries.front());
    lane.entries.pop_front();
    if (expired(entry)) {
      --queued_;
      finish(entry, DeliveryState::expired, "expired after the delivery TTL without success", "expired");
      mark_runnable(key);
      continue;
    }
    lane.in_flight = true;
    ++in_flight_;
    in_flight_count_.fetch_add(1, std::memory_order_relaxed);
    sdk::Delivery delivery{entry.notification, entry.attempts + 1};
    boost::asio::post(channel_executor_, [self = shared_from_this(), delivery = std::move(delivery),
                                          entry = std::move(entry), term = term_]() mutable {
      auto once = std::make_shared<std::atomic<bool>>(false);
      self->channel_.deliver(std::move(delivery), [self, entry, term, once](sdk::DeliveryResult result) mutable {
        if (once->exchange(true)) return;
        boost::asio::post(self->strand_, [self, entry = std::move(entry), term, result = std::move(result)]() mutable {
          self->on_result(std::move(entry), term, std::move(result));
        });
      });
    });
  }
}

void Outbox::lease_ran_out() {
  log_.warn(channel_name_,
            ": this replica's lease ran out before it heard so; it hands out nothing more until it leads again");
  forget_memory();
  leading_ = false;
  still_leads_ = {};
}

// A result from an earlier term (a stray) is recorded like any other, but
// the lanes in memory belong to a later term and are left alone: a stray's
// retry stays pending in the store for whichever replica leads next.
void Outbox::on_result(Entry entry, std::uint64_t term, sdk::DeliveryResult result) {
  in_flight_count_.fetch_sub(1, std::memory_order_relaxed);
  ++entry.attempts;
  const bool current = term == term_;
  const std::string lane = lane_of(*entry.notification);
  if (current) {
    --in_flight_;
    lanes_.at(lane).in_flight = false;
  } else {
    --strays_;
  }
  if (result.outcome != sdk::DeliveryResult::Outcome::delivered) {
    std::lock_guard lock(last_error_mutex_);
    last_error_ = result.error;
  }
  using Outcome = sdk::DeliveryResult::Outcome;
  const bool retry = result.outcome == Outcome::retry && !expired(entry);
  if (current && !retry) --queued_;
  switch (result.outcome) {
    case Outcome::delivered:
      finish(entry, DeliveryState::delivered, "", "");
      break;
    case Outcome::permanent:
      log_.warn("notification ", entry.notification->id, " for ", entry.notification->user,
                " failed permanently: ", result.error);
      finish(entry, DeliveryState::failed, result.error, "permanent");
      break;
    case Outcome::retry: {
      if (!retry) {
        finish(entry, DeliveryState::expired, result.error, "expired");
        break;
      }
      retries_.inc();
      store_.update_delivery(entry.notification->id, channel_name_, DeliveryState::pending, entry.attempts,
                             result.error, "retry");
      if (!current) {
        log_.info("notification ", entry.notification->id, " attempt ", entry.attempts, " failed (", result.error,
                  ") after this replica stopped leading; it stays pending for the leader");
        break;
      }
      const auto delay = result.retry_after.count() > 0 ? result.retry_after : backoff(entry.attempts);
      log_.info("notification ", entry.notification->id, " attempt ", entry.attempts, " failed (", result.error,
                "); retrying in ", delay.count(), " ms");
      schedule_retry(std::move(entry), delay);
      break;
    }
  }
  if (!current) return resume_from_store();
  mark_runnable(lane);
  dispatch();
}

void Outbox::finish(const Entry& entry, DeliveryState state, const std::string& error, const std::string& outcome) {
  count_down_pending();
  switch (state) {
    case DeliveryState::delivered: delivered_.inc(); break;
    case DeliveryState::expired: expired_.inc(); break;
    default: failed_.inc(); break;
  }
  store_.update_delivery(entry.notification->id, channel_name_, state, entry.attempts, error, outcome);
}

bool Outbox::expired(const Entry& entry) const {
  return settings_.delivery_ttl.count() > 0 &&
         sdk::now_epoch_ms() - entry.notification->created_at_ms > settings_.delivery_ttl.count();
}

std::chrono::milliseconds Outbox::backoff(std::uint32_t attempts) {
  const auto exponent = std::min<std::uint32_t>(attempts > 0 ? attempts - 1 : 0, 30);
  const double full = std::min<double>(static_cast<double>(settings_.retry_initial.count()) * double(1ULL << exponent),
                                       static_cast<double>(settings_.retry_max.count()));
  // Equal jitter: half the delay is fixed, half is random, so retries spread out.
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return std::chrono::milliseconds{static_cast<std::int64_t>(full * jitter(random_))};
}

void Outbox::schedule_retry(Entry entry, std::chrono::milliseconds delay) {
  const std::string key = lane_of(*entry.notification);
  Lane& lane = lanes_.at(key);
  lane.entries.push_front(std::move(entry));
  lane.waiting = true;
  retrying_.emplace(Clock::now() + delay, key);
  retrying_count_.store(retrying_.size(), std::memory_order_relaxed);
  arm_retry_timer();
}

void Outbox::arm_retry_timer() {
  if (retrying_.empty() || stopping_) return;
  const auto earliest = retrying_.begin()->first;
  if (earliest >= retry_timer_at_) return;
  retry_timer_at_ = earliest;
  retry_timer_.expires_at(earliest);
  retry_timer_.async_wait([self = shared_from_this(), earliest](boost::system::error_code ec) {
    if (ec || self->retry_timer_at_ != earliest) return;
    self->on_retry_timer();
  });
}

void Outbox::on_retry_timer() {
  retry_timer_at_ = Clock::time_point::max();
  const auto now = Clock::now();
  while (!retrying_.empty() && retrying_.begin()->first <= now) {
    const std::string key = std::move(retrying_.begin()->second);
    retrying_.erase(retrying_.begin());
    if (const auto lane = lanes_.find(key); lane != lanes_.end()) lane->second.waiting = false;
    mark_runnable(key);
  }
  retrying_count_.store(retrying_.size(), std::memory_order_relaxed);
  arm_retry_timer();
  dispatch();
}

void Outbox::retry_now(std::string user) {
  boost::asio::post(strand_, [self = shared_from_this(), user = std::move(user)] { self->move_to_front(user); });
}

void Outbox::move_to_front(const std::string& user) {
  for (const std::string& key : {user, user + std::string(urgent_lane_suffix)}) {
    bool waited = false;
    for (auto it = retrying_.begin(); it != retrying_.end();) {
      if (it->second == key) {
        it = retrying_.erase(it);
        waited = true;
      } else {
        ++it;
      }
    }
    const auto lane = lanes_.find(key);
    if (!waited || lane == lanes_.end()) continue;
    retrying_count_.store(retrying_.size(), std::memory_order_relaxed);
    lane->second.waiting = false;
    log_.info(lane->second.entries.size(), " pending deliveries for ", user, " sent now: reachable again");
    mark_runnable(key);
  }
  dispatch();
}

void Outbox::count_down_pending() {
  auto current = pending_.load(std::memory_order_relaxed);
  while (current > 0 && !pending_.compare_exchange_weak(current, current - 1, std::memory_order_relaxed)) {
  }
}

void Outbox::listen_to_doorbell() {
  doorbell_subscription_ =
      doorbell_->bus->listen(std::string(sdk::notifications_committed_topic), strand_, [weak = weak_from_this()](std::string) {
        const auto self = weak.lock();
        if (!self || !self->leading_ || self->stopping_) return;
        self->spilled_ = true;
        self->dispatch();
      });
}

void Outbox::arm_poll_timer() {
  poll_timer_.expires_after(doorbell_->poll_interval);
  poll_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->stopping_) return;
    self->on_poll_timer();
  });
}

void Outbox::on_poll_timer() {
  if (auto count = store_.count_pending(channel_name_)) pending_ = count.value();
  if (leading_) {
    spilled_ = true;
    dispatch();
  }
  arm_poll_timer();
}

void Outbox::stop(std::function<void()> done) {
  boost::asio::post(strand_, [self = shared_from_this(), done = std::move(done)]() mutable {
    self->stopping_ = true;
    self->retry_timer_.cancel();
    self->poll_timer_.cancel();
    self->doorbell_subscription_.reset();
    done();
  });
}

sdk::ChannelHealth Outbox::health() const {
  sdk::ChannelHealth health;
  health.channel = channel_name_;
  health.pending = pending_.load(std::memory_order_relaxed);
  health.in_flight = in_flight_count_.load(std::memory_order_relaxed);
  health.retrying = retrying_count_.load(std::memory_order_relaxed);
  health.delivered = delivered_.value();
  health.failed = failed_.value() + expired_.value();
  auto condition = channel_.condition();
  health.state = std::move(condition.state);
  health.figures = std::move(condition.figures);
  if (!condition.problem.empty()) {
    health.last_error = std::move(condition.problem);
  } else {
    std::lock_guard lock(last_error_mutex_);
    health.last_error = last_error_;
  }
  return health;
}

}  // namespace notifyd::core
