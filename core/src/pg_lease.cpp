#include "pg_lease.hpp"

#include <atomic>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "pg_bus.hpp"

namespace notifyd::core {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds retry_after_error{200};

// Takes the lease when it is free or expired by the database's clock; the
// new holding's epoch when taken, no row when another replica holds it.
constexpr std::string_view acquire_sql =
    "INSERT INTO leases AS l (name, holder, epoch, expires_at) "
    "VALUES ($1, $2, 1, clock_timestamp() + $3::bigint * interval '1 millisecond') "
    "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, epoch = l.epoch + 1, "
    "expires_at = clock_timestamp() + $3::bigint * interval '1 millisecond' "
    "WHERE l.expires_at <= clock_timestamp() RETURNING epoch";
// Extends this holding only, and only while it has not expired.
constexpr std::string_view renew_sql =
    "UPDATE leases SET expires_at = clock_timestamp() + $4::bigint * interval '1 millisecond' "
    "WHERE name = $1 AND holder = $2 AND epoch = $3 AND expires_at > clock_timestamp()";
// Ends this holding (the row stays, so the next epoch is higher) and rings
// the standbys when the transaction commits.
constexpr std::string_view release_sql =
    "WITH expired AS (UPDATE leases SET expires_at = clock_timestamp() - interval '1 millisecond' "
    "WHERE name = $1 AND holder = $2 AND epoch = $3 RETURNING name) "
    "SELECT pg_notify($4, $5) FROM expired";

}  // namespace

// Statements' callbacks hold the campaign weakly: they wait in the link's
// queue, and the link must not keep a campaign (which holds the link) alive.
class PgLease::Campaign : public std::enable_shared_from_this<Campaign> {
 public:
  Campaign(std::shared_ptr<ReconnectingPgConnection> link, std::string name, std::string holder,
           std::chrono::milliseconds ttl, boost::asio::any_io_executor executor, sdk::LeaseEvents events)
      : link_(std::move(link)),
        name_(std::move(name)),
        holder_(std::move(holder)),
        ttl_(ttl),
        period_(std::max<std::chrono::milliseconds>(ttl / 3, std::chrono::milliseconds(1))),
        events_strand_(boost::asio::make_strand(std::move(executor))),
        events_(std::move(events)),
        next_(link_->strand()),
        deadline_(link_->strand()) {}

  void start(sdk::Bus& bus) {
    doorbell_ = bus.listen(std::string(doorbell), link_->strand(), [weak = weak_from_this()](std::string note) {
      auto self = weak.lock();
      if (self && note == self->name_) self->attempt();
    });
    boost::asio::post(link_->strand(), [self = shared_from_this()] { self->attempt(); });
  }

  const std::shared_ptr<LeaseHolding>& holding() const { return holding_; }

  /// Stops campaigning; `lost` runs if the lease was held and `with_events`.
  void stop(bool with_events) {
    if (!with_events) events_enabled_ = false;
    holding_->close();  // held() answers false from now on, on every thread
    boost::asio::post(link_->strand(), [self = shared_from_this()] {
      if (self->phase_ == Phase::stopped) return;
      const bool was_holding = self->phase_ == Phase::holding;
      self->phase_ = Phase::stopped;
      self->next_.cancel();
      self->deadline_.cancel();
      self->doorbell_.reset();
      if (was_holding) {
        // `lost` first, the row after: no other replica acquires before `lost` returned.
        boost::asio::post(self->events_strand_, [self, epoch = self->epoch_] {
          if (self->events_enabled_ && self->events_.lost) self->events_.lost();
          boost::asio::post(self->link_->strand(), [self, epoch] { self->expire(epoch); });
        });
      }
    });
  }

 private:
  enum class Phase { standby, holding, stopped };

  void attempt() {
    if (phase_ != Phase::standby || in_flight_) return;
    in_flight_ = true;
    const auto sent = Clock::now();
    link_->execute(std::string(acquire_sql), {name_, holder_, std::to_string(ttl_.count())}, statement_timeout(),
                   [weak = weak_from_this(), sent](std::optional<PgError> error, PgRows rows) {
                     auto self = weak.lock();
                     if (!self) return;
                     self->in_flight_ = false;
                     const bool taken = !error && !rows.rows.empty();
                     const auto epoch = taken ? std::stoull(rows.rows.front().at(0).value_or("0")) : 0;
                     if (self->phase_ == Phase::stopped) {
                       if (taken) self->expire(epoch);
                       return;
                     }
                     // An answer later than the holding's own end is not worth announcing.
                     if (taken && Clock::now() < sent + self->ttl_ - margin(self->ttl_)) {
                       self->hold(epoch, sent);
                       return;
                     }
                     if (error && !self->link_->connected()) {
                       // No connection (yet): try as soon as there is one.
                       self->link_->when_connected([weak] {
                         if (auto again = weak.lock()) again->attempt();
                       });
                       return;
                     }
                     // No answer: try again soon rather than a period later.
                     self->wait_then([self] { self->attempt(); },
                                     error ? Clock::now() + std::min(self->period_, retry_after_error)
                                           : sent + self->period_);
                   });
  }

  void hold(std::uint64_t epoch, Clock::time_point sent) {
    phase_ = Phase::holding;
    epoch_ = epoch;
    sdk::Fence fence{name_, holder_, epoch};
    holding_->begin(fence, sent + ttl_ - margin(ttl_));
    renewed(sent);
    emit([self = shared_from_this(), fence] {
      if (self->events_.acquired) self->events_.acquired(fence);
    });
  }

  // The renewal sent at `sent` succeeded: the holding lasts until `sent + ttl - margin`.
  void renewed(Clock::time_point sent) {
    held_until_ = sent + ttl_ - margin(ttl_);
    holding_->extend(held_until_);
    deadline_.expires_at(held_until_);
    deadline_.async_wait([self = shared_from_this(), epoch = epoch_](boost::system::error_code ec) {
      if (!ec && self->phase_ == Phase::holding && self->epoch_ == epoch) self->lose();
    });
    wait_then([self = shared_from_this()] { self->renew(); }, sent + period_);
  }

  void renew() {
    if (phase_ != Phase::holding || in_flight_) return;
    // Past its end (this process was frozen) the holding is over, even if
    // the row has not expired yet: held() already answers false.
    if (Clock::now() >= held_until_) return lose();
    in_flight_ = true;
    const auto sent = Clock::now();
    link_->execute(std::string(renew_sql), {name_, holder_, std::to_string(epoch_), std::to_string(ttl_.count())},
                   statement_timeout(),
                   [weak = weak_from_this(), sent, epoch = epoch_](std::optional<PgError> error, PgRows rows) {
                     auto self = weak.lock();
                     if (!self) return;
                     self->in_flight_ = false;
                     if (self->phase_ == Phase::stopped) return;
                     if (self->phase_ != Phase::holding || self->epoch_ != epoch) {
                       self->attempt();
                       return;
                     }
                     if (error) {
                       // Try again soon; the deadline decides when to give up.
                       self->wait_then([self] { self->renew(); }, Clock::now() + self->period_ / 3);
                     } else if (rows.affected == 1 && Clock::now() < self->held_until_) {
                       self->renewed(sent);
                     } else {
                       self->lose();
                     }
                   });
  }

  void lose() {
    phase_ = Phase::standby;
    deadline_.cancel();
    holding_->end();
    emit([self = shared_from_this()] {
      if (self->events_.lost) self->events_.lost();
    });
    wait_then([self = shared_from_this()] { self->attempt(); }, Clock::now() + period_);
  }

  void expire(std::uint64_t epoch) {
    link_->execute(std::string(release_sql),
                   {name_, holder_, std::to_string(epoch), std::string(PgBus::channel),
                    PgBus::payload(doorbell, name_)},
                   statement_timeout(), [](std::optional<PgError>, PgRows) {});
  }

  void wait_then(std::function<void()> next, Clock::time_point at) {
    next_.expires_at(at);
    next_.async_wait([self = shared_from_this(), next = std::move(next)](boost::system::error_code ec) {
      if (!ec && self->phase_ != Phase::stopped) next();
    });
  }

  template <class Event>
  void emit(Event event) {
    boost::asio::post(events_strand_, [self = shared_from_this(), event = std::move(event)] {
      if (self->events_enabled_) event();
    });
  }

  // A statement that does not answer within a lease's time to live ends
  // the connection (and the link connects again).
  std::chrono::milliseconds statement_timeout() const { return std::max<std::chrono::milliseconds>(ttl_, std::chrono::seconds(1)); }

  std::shared_ptr<ReconnectingPgConnection> link_;
  const std::string name_;
  const std::string holder_;
  const std::chrono::milliseconds ttl_;
  const std::chrono::milliseconds period_;
  boost::asio::strand<boost::asio::any_io_executor> events_strand_;
  sdk::LeaseEvents events_;
  std::atomic<bool> events_enabled_{true};
  const std::shared_ptr<LeaseHolding> holding_ = std::make_shared<LeaseHolding>();
  Phase phase_ = Phase::standby;  // the rest on the link's strand
  std::uint64_t epoch_ = 0;
  Clock::time_point held_until_;  ///< while holding: ttl - margin after the last successful renewal was sent
  bool in_flight_ = false;
  boost::asio::steady_timer next_;
  boost::asio::steady_timer deadline_;
  sdk::Subscription doorbell_;
};

PgLease::PgLease(std::shared_ptr<ReconnectingPgConnection> link, sdk::Bus& bus, std::string name, std::string holder,
                 std::chrono::milliseconds ttl, boost::asio::any_io_executor executor, sdk::LeaseEvents events)
    : campaign_(std::make_shared<Campaign>(std::move(link), std::move(name), std::move(holder), ttl, std::move(executor),
                                           std::move(events))) {
  campaign_->start(bus);
}

PgLease::~PgLease() { campaign_->stop(false); }

bool PgLease::held() const noexcept { return campaign_->holding()->held(); }

sdk::Fence PgLease::fence() const noexcept { return campaign_->holding()->fence(); }

std::shared_ptr<const LeaseHolding> PgLease::holding() const noexcept { return campaign_->holding(); }

void PgLease::release() noexcept { campaign_->stop(true); }

}  // namespace notifyd::core
