#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "notifyd/sdk/subscription.hpp"
#include "replica_roster.hpp"
#include "shared_log.hpp"

namespace notifyd::websocket {

struct ServerState;

/// What makes the replicas of one desktop channel serve as one: each
/// replica tails the shared history for the users connected to it, so an
/// app gets a notification live whichever replica accepted it.
///
/// - The tail reads ids above its cursor (`read_shared_log`) when the host
///   rings `notifications/committed`, and every `poll_interval` in case a
///   ring was lost, and fans each notification out to the local apps of its
///   user (the registry hands an id to a user's connections once, whether
///   the outbox or the tail brings it). A push of a delivery still pending
///   leaves a marker (`<instance>/pushed/<id>`, kept `marker_ttl`) and rings
///   `desktop/<instance>/pushed` with the users: every replica hurries those
///   users' retries, and the outbox holding the delivery finds the marker
///   and records it delivered. An outbox holding a delivery that another
///   replica's outbox recorded delivered records it so too.
/// - An app that connects to this replica gets that user's deliveries still
///   pending anywhere (another replica's outbox cannot reach it).
/// - The replica keeps its key in the `ReplicaRoster` with its figures and
///   renews the connection slots (`ConnectionSlots`) every third of the
///   lease ttl; health shows the roster's totals.
/// - While no other replica is in the roster, the outbox alone reaches every
///   app: the tail only moves its cursor to the newest id read before the
///   roster (a replica joins the roster before it accepts anything), so a
///   single notifyd behaves exactly as without replicas.
/// - The desktop-user ledger is reloaded when another replica changes it.
///
/// Runs on the plugin's executor; `reached_elsewhere` blocks (a round trip or two).
class ReplicaSync : public std::enable_shared_from_this<ReplicaSync> {
 public:
  /// How often the tail looks without a doorbell.
  static constexpr std::chrono::milliseconds poll_interval{1000};
  /// How long a push marker is kept for the outbox that holds the delivery.
  static constexpr std::chrono::hours marker_ttl{24};

  /// The cluster's figures, as health shows them.
  struct Figures {
    std::size_t replicas = 0;
    std::size_t connections = 0;
    std::size_t users = 0;  ///< summed over replicas: a user connected to two counts twice
  };

  explicit ReplicaSync(std::shared_ptr<ServerState> state);
  ~ReplicaSync();

  /// Joins the roster, reads the cursor, listens and arms the timers. On the executor.
  void start();
  /// Leaves the roster and stops listening. On the executor.
  void stop();
  /// `user` authenticated here: push their deliveries pending on other
  /// replicas (posted to the executor). Any thread.
  void user_connected(std::string user);
  /// True when an app got notification `id` through another replica: that
  /// replica's tail pushed it (its marker), or, while other replicas are
  /// live, another replica's outbox recorded its delivery here delivered
  /// (every replica's outbox loads the pending deliveries at start). On the
  /// executor.
  bool reached_elsewhere(std::uint64_t id) const;
  /// The roster's totals at its last reading. Any thread.
  Figures figures() const noexcept;
  /// The tail's cursor (tests). On the executor.
  std::uint64_t cursor() const noexcept { return cursor_; }
  /// True while no other replica is in the roster. On the executor.
  bool alone() const noexcept { return alone_; }

  /// The marker key of notification `id` pushed on channel `instance`.
  static std::string marker_key(std::string_view instance, std::uint64_t id);
  /// The doorbell rung with the users a replica pushed to.
  static std::string pushed_topic(std::string_view instance);
  /// The doorbell rung when a replica joins the roster.
  static std::string roster_topic(std::string_view instance);

 private:
  void refresh_roster();
  void request_tail();
  void tail();
  // Fans `notifications` out here; marks the pending ones this handed out.
  void push(std::vector<LoggedNotification> notifications);
  void announce_pushed();
  void catch_up(const std::string& user);
  void arm_poll();
  void arm_roster();
  /// Starts renewing the connection slots on a thread of its own (one round
  /// trip per slot: thousands of connections would hold up the executor),
  /// unless the last renewal is still going.
  void renew_slots_in_background();

  std::shared_ptr<ServerState> state_;
  ReplicaRoster roster_;
  boost::asio::steady_timer poll_timer_;
  boost::asio::steady_timer roster_timer_;
  sdk::Subscription committed_;
  sdk::Subscription pushed_;
  sdk::Subscription joined_;
  sdk::Subscription ledger_;
  std::uint64_t cursor_ = 0;
  bool alone_ = true;
  bool tail_requested_ = false;
  bool stopped_ = false;
  bool tail_failing_ = false;    ///< warned about once until a read succeeds
  std::string roster_problem_;   ///< the last roster problem warned about (empty: none)
  std::thread renewal_;
  std::atomic<bool> renewing_{false};
  std::mutex renewal_mutex_;
  std::string renewal_problem_;  ///< under renewal_mutex_: why the last renewal failed (empty: it did not)
  std::set<std::string> pushed_users_;  ///< users pushed to since the last announcement
  std::atomic<std::size_t> replicas_{0};
  std::atomic<std::size_t> connections_{0};
  std::atomic<std::size_t> users_{0};
};

}  // namespace notifyd::websocket
