#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "config_file.hpp"
#include "notification_store.hpp"
#include "notifyd/sdk/coordination.hpp"
#include "notifyd/sdk/logger.hpp"
#include "notifyd/sdk/metrics.hpp"
#include "notifyd/sdk/notification_service.hpp"
#include "notifyd/sdk/plugin.hpp"

namespace notifyd::core {

/// What tells an outbox that other processes (replicas sharing a PostgreSQL
/// store) stored deliveries for its channel: their pipelines' rings of
/// `sdk::notifications_committed_topic` on `bus`, and, in case a ring is lost, a look at the
/// store every `poll_interval` (which also refreshes the pending count a
/// follower reports).
struct StoreDoorbell {
  sdk::Bus* bus = nullptr;
  std::chrono::milliseconds poll_interval{1000};
};

/// The durable queue in front of one channel. Every entry is already stored
/// as a pending delivery; the outbox keeps a bounded window of them in memory
/// (the rest are paged in from the store in id order), hands them to the
/// channel with at most `max_in_flight` outstanding, retries transient
/// failures with exponential backoff and jitter (or the channel's retry-after),
/// records permanent failures, and expires entries older than the TTL.
///
/// Each recipient's deliveries form a lane that goes out in acceptance (id)
/// order: a lane has one delivery in flight at a time, and one waiting for a
/// retry holds back that recipient's later ones, never another recipient's.
/// A recipient's `urgent` notifications form a second lane of their own, so
/// one that waits (a mute, a retry) never holds an urgent one back.
/// Lanes whose head may go take turns (round-robin), so one recipient's
/// backlog does not keep the in-flight slots from the others.
///
/// The outbox of a `one_replica` channel hands out deliveries only while
/// this replica leads it (`lead` … `follow`, and, before each hand-out,
/// while the lease still counts as held by this replica's clock: a replica
/// frozen past its lease and resumed hands out nothing more, as after a
/// `follow`, even before it hears `follow`), and then the store is the
/// truth: each `lead` forgets what memory held and pages in every pending
/// delivery of the channel from the store, whichever replica accepted it or
/// left it pending; a follower keeps nothing in memory. A delivery handed
/// out before a `follow` may still answer: its result is recorded, and the
/// next `lead` pages in only once all such answers are in and committed, so
/// it never repeats what this replica delivered.
///
/// With a `StoreDoorbell` (other processes write the same store), the
/// leader pages in when it hears a replica's pipeline ring
/// `notifications/committed` (`Pipeline::ring_after_commit`) or its poll
/// finds more. All state lives on its own strand.
class Outbox : public std::enable_shared_from_this<Outbox> {
 public:
  /// `leading`: hands out deliveries from the start (an `every_replica`
  /// channel); otherwise only after `lead`. `doorbell`: when other
  /// processes write `store` too; none when this process is its only writer.
  Outbox(boost::asio::io_context& io, std::string channel_name, sdk::Channel& channel,
         boost::asio::any_io_executor channel_executor, NotificationStore& store, const PipelineSettings& settings,
         sdk::Logger& log, sdk::Metrics& metrics, bool leading = true,
         std::optional<StoreDoorbell> doorbell = std::nullopt);

  /// Loads pending deliveries from the store and starts delivering.
  void start();
  /// Called after a notification routed here was committed, in id order:
  /// an id below one already taken is skipped as paged in from the store.
  void enqueue(std::shared_ptr<const sdk::Notification> notification);
  /// `user` is reachable now: their deliveries waiting for a retry are due at
  /// once, ahead of nothing of theirs (their lane keeps acceptance order). Any thread.
  void retry_now(std::string user);
  /// Stops handing out deliveries; `done` runs at once, without waiting for
  /// the ones in flight: they stay pending in the store (and go out after
  /// the next start) unless their result still arrives and is recorded.
  void stop(std::function<void()> done);
  /// Hands out deliveries from now on (the channel was told it leads),
  /// paged in afresh from the store, each only while `still_leads()`
  /// (asked on the outbox's strand; none: always); when it answers false,
  /// the outbox stops as on `follow`. Any thread.
  void lead(std::function<bool()> still_leads = {});
  /// Stops handing out deliveries (those in flight finish) and forgets the
  /// ones in memory; `then` runs on the outbox's strand once no further
  /// `deliver` will be posted, after whatever `follow` and `lead` were asked
  /// before. Any thread.
  void follow(std::function<void()> then);

  const std::string& channel_name() const noexcept { return channel_name_; }
  sdk::ChannelHealth health() const;

 private:
  struct Entry {
    std::shared_ptr<const sdk::Notification> notification;
    std::uint32_t attempts = 0;
  };
  using Clock = std::chrono::steady_clock;
  /// One recipient's deliveries in id order; the front is the next to go.
  struct Lane {
    std::deque<Entry> entries;
    bool in_flight = false;  ///< its head is with the channel
    bool waiting = false;    ///< its head waits for a retry
    bool runnable = false;   ///< in `runnable_`
  };

  /// The suffix of an urgent lane's key (a user name holds no newline).
  static constexpr std::string_view urgent_lane_suffix = "\n(urgent)";
  /// The key of the lane `notification` goes in: its recipient, or its recipient's urgent lane.
  static std::string lane_of(const sdk::Notification& notification);

  void admit(Entry entry);
  void queue(Entry entry);
  void dispatch();
  /// `still_leads` answered false: stops handing out, as `follow` does.
  void lease_ran_out();
  void page_in();
  /// Starts a new term with nothing in memory; what is in flight becomes stray.
  void forget_memory();
  /// Once no stray is in flight, waits for the store to commit what was
  /// recorded, then pages in from it (a new term's leader).
  void resume_from_store();
  void on_result(Entry entry, std::uint64_t term, sdk::DeliveryResult result);
  void count_down_pending();
  void listen_to_doorbell();
  void arm_poll_timer();
  void on_poll_timer();
  void finish(const Entry& entry, DeliveryState state, const std::string& error, const std::string& outcome);
  void schedule_retry(Entry entry, std::chrono::milliseconds delay);
  void arm_retry_timer();
  void on_retry_timer();
  void mark_runnable(const std::string& key);
  // Makes `user`'s lane, held back by a retry, runnable now.
  void move_to_front(const std::string& user);
  bool expired(const Entry& entry) const;
  std::chrono::milliseconds backoff(std::uint32_t attempts);
  std::size_t in_memory() const { return queued_; }

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  std::string channel_name_;
  sdk::Channel& channel_;
  boost::asio::any_io_executor channel_executor_;
  NotificationStore& store_;
  const PipelineSettings& settings_;
  sdk::Logger& log_;

  std::unordered_map<std::string, Lane> lanes_;               ///< by `lane_of`; a lane is dropped once empty
  std::deque<std::string> runnable_;                          ///< lanes whose head may go, in turn order
  std::multimap<Clock::time_point, std::string> retrying_;    ///< when a waiting lane's head is due again
  std::size_t queued_ = 0;                                     ///< entries in memory, lanes and in flight
  boost::asio::steady_timer retry_timer_;
  Clock::time_point retry_timer_at_ = Clock::time_point::max();
  std::size_t in_flight_ = 0;         ///< handed out in this term and not answered
  bool spilled_ = true;              // pending entries exist in the store beyond `loaded_up_to_`
  std::uint64_t loaded_up_to_ = 0;   // highest id admitted to memory in this term
  bool stopping_ = false;
  bool leading_;  ///< deliveries are handed out (always, for an `every_replica` channel)
  std::function<bool()> still_leads_;  ///< asked before each hand-out while leading_ (none: always)
  /// Each `lead` and `follow` starts a term; memory belongs to the current one.
  std::uint64_t term_ = 0;
  /// Handed out in an earlier term and not answered yet.
  std::size_t strays_ = 0;
  /// The store holds every result recorded in earlier terms: memory may be paged in.
  bool store_current_;
  std::optional<StoreDoorbell> doorbell_;
  sdk::Subscription doorbell_subscription_;
  boost::asio::steady_timer poll_timer_;
  std::mt19937_64 random_{std::random_device{}()};

  std::atomic<std::uint64_t> pending_{0};
  std::atomic<std::uint64_t> in_flight_count_{0};
  std::atomic<std::uint64_t> retrying_count_{0};
  mutable std::mutex last_error_mutex_;
  std::string last_error_;  ///< the latest failed attempt's error, for health(); guarded by last_error_mutex_
  sdk::Counter& delivered_;
  sdk::Counter& failed_;
  sdk::Counter& retries_;
  sdk::Counter& expired_;
};

}  // namespace notifyd::core
