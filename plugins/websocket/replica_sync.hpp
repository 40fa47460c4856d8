#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "notifyd/sdk/subscription.hpp"
#include "recent_pushes.hpp"
#include "replica_roster.hpp"
#include "shared_log.hpp"

namespace notifyd::websocket {

struct ServerState;

/// What makes the replicas of one desktop channel serve as one: each
/// replica tails the shared history for the users connected to it, so an
/// app gets a notification live whichever replica accepted it.
///
/// - The tail follows the notes of `notifications/stored` (each stored
///   notification, rung by its own commit): while they continue its cursor
///   in id order it fans them out to the local apps of their users (the
///   registry hands an id to a user's connections once, whether the outbox
///   or the tail brings it), without reading the store. Where an id is
///   missing `gap_wait` after a ring said it was committed (commits of
///   replicas land out of order by milliseconds; a ring may be lost; a note
///   may carry the id alone), and every `poll_interval`, it reads the ids
///   above its cursor from the store (`read_shared_log`).
/// - A push of a delivery still pending is announced on
///   `desktop/<instance>/pushed` (`id:user` items, one ring per store read
///   or per `announce_wait` of notes): every
///   replica remembers those ids and hurries those users' retries, and the
///   outbox holding the delivery records it delivered. An outbox that finds
///   no app here for an id it has not heard of asks on
///   `desktop/<instance>/wanted` (a lost ring, a restart), and the replica
///   that pushed it announces it again. Nothing of this is a round trip to
///   the store. An outbox holding a delivery that another replica's outbox
///   recorded delivered records it so too.
/// - An app that connects to this replica gets that user's deliveries still
///   pending anywhere (another replica's outbox cannot reach it).
/// - The replica keeps its key in the `ReplicaRoster` with its figures every
///   third of the lease ttl, and tells the connection slots
///   (`ConnectionSlots`) which replicas are live; health shows the roster's
///   totals.
/// - While no other replica is in the roster, the outbox alone reaches every
///   app: the tail only moves its cursor to the newest id read before the
///   roster (a replica joins the roster before it accepts anything), so a
///   single notifyd behaves exactly as without replicas.
/// - The desktop-user ledger is reloaded when another replica changes it.
///
/// Runs on the plugin's executor; `reached_elsewhere` may block (a round trip).
class ReplicaSync : public std::enable_shared_from_this<ReplicaSync> {
 public:
  /// How often the tail looks without a doorbell.
  static constexpr std::chrono::milliseconds poll_interval{1000};
  /// How long the tail waits for the note of a missing id before it reads the store.
  static constexpr std::chrono::milliseconds gap_wait{50};
  /// How long pushes from notes are gathered into one announcement.
  static constexpr std::chrono::milliseconds announce_wait{20};
  /// How many notes above its cursor the tail keeps; the store has the rest.
  static constexpr std::size_t max_heard = 100'000;
  /// How many pushes a replica remembers, its own and those it heard of.
  static constexpr std::size_t remembered_pushes = 100'000;

  /// The cluster's figures, as health shows them.
  struct Figures {
    std::size_t replicas = 0;
    std::size_t connections = 0;
    std::size_t users = 0;  ///< distinct users: one connected to two replicas counts once
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
  /// replica's tail pushed it (it said so), or, while other replicas are
  /// live, another replica's outbox recorded its delivery here delivered
  /// (every replica's outbox loads the pending deliveries at start). When
  /// neither, asks the replicas to say again whether they pushed it. On the
  /// executor.
  bool reached_elsewhere(std::uint64_t id, const std::string& user);
  /// The roster's totals at its last reading. Any thread.
  Figures figures() const noexcept;
  /// The tail's cursor (tests). On the executor.
  std::uint64_t cursor() const noexcept { return cursor_; }
  /// True while no other replica is in the roster. On the executor.
  bool alone() const noexcept { return alone_; }

  /// The doorbell rung with the pushes of pending deliveries (`id:user,…`).
  static std::string pushed_topic(std::string_view instance);
  /// The doorbell rung with the ids an outbox found no app for (`id:user,…`).
  static std::string wanted_topic(std::string_view instance);
  /// The doorbell rung when a replica joins the roster.
  static std::string roster_topic(std::string_view instance);

 private:
  void refresh_roster();
  void request_tail();
  void tail();
  void heard_committed(std::string_view note);
  void heard_stored(std::string_view note);
  // Moves the cursor over the notes that continue it and pushes them.
  void take_heard();
  void arm_gap_timer();
  // Fans `notifications` out here; the pending ones this handed out are to be announced.
  void push(std::vector<LoggedNotification> notifications);
  void announce_pushed();
  void heard_pushed(std::string_view note);
  void heard_wanted(std::string_view note);
  void ask_wanted();
  void catch_up(const std::string& user);
  void arm_poll();
  void arm_roster();
  /// Starts renewing the connection slots on a thread of its own (one round
  /// trip per slot: thousands of connections would hold up the executor),
  /// unless the last renewal is still going.
  void renew_slots_in_background();

  std::shared_ptr<ServerState> state_;
  ReplicaRoster roster_;
  /// A `notifications/stored` note above the cursor.
  struct Heard {
    bool complete = false;                    ///< false: the note had the id alone
    std::optional<LoggedNotification> push;  ///< to push here, if anything
  };

  boost::asio::steady_timer poll_timer_;
  boost::asio::steady_timer gap_timer_;
  bool gap_timer_armed_ = false;
  boost::asio::steady_timer announce_timer_;
  bool announce_timer_armed_ = false;
  boost::asio::steady_timer roster_timer_;
  sdk::Subscription committed_;
  sdk::Subscription stored_;
  sdk::Subscription pushed_;
  sdk::Subscription wanted_;
  sdk::Subscription joined_;
  sdk::Subscription ledger_;
  std::uint64_t cursor_ = 0;
  std::uint64_t highest_heard_ = 0;  ///< the highest id a ring said was committed
  std::map<std::uint64_t, Heard> heard_;
  bool alone_ = true;
  bool tail_requested_ = false;
  bool stopped_ = false;
  bool tail_failing_ = false;    ///< warned about once until a read succeeds
  std::string roster_problem_;   ///< the last roster problem warned about (empty: none)
  std::thread renewal_;
  std::atomic<bool> renewing_{false};
  std::mutex renewal_mutex_;
  std::string renewal_problem_;  ///< under renewal_mutex_: why the last renewal failed (empty: it did not)
  RecentPushes pushed_here_{remembered_pushes};
  RecentPushes pushed_elsewhere_{remembered_pushes};
  std::vector<std::pair<std::uint64_t, std::string>> to_announce_;  ///< pushed since the last announcement
  std::vector<std::pair<std::uint64_t, std::string>> to_ask_;       ///< found no app for, not yet asked about
  bool ask_posted_ = false;
  std::atomic<std::size_t> replicas_{0};
  std::atomic<std::size_t> connections_{0};
  std::atomic<std::size_t> users_{0};
};

}  // namespace notifyd::websocket
