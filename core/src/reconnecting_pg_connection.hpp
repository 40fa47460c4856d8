#pragma once
// The replica's one asynchronous connection to the shared database, for what
// waits on the network (LISTEN doorbells, lease statements, the document
// cursor): it connects again after a break, with a growing pause, and LISTENs
// again on every channel it listened on.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "connection_health.hpp"
#include "notifyd/sdk/cluster_view.hpp"
#include "notifyd/sdk/logger.hpp"
#include "pg_connection.hpp"

namespace notifyd::core {

/// Every callback runs on `strand()`. Register listeners and `on_connected`
/// callbacks before `start`; after `stop` none is called again.
class ReconnectingPgConnection final : public std::enable_shared_from_this<ReconnectingPgConnection> {
 public:
  /// The first pause before connecting again; it doubles after each failure up to `longest_pause`.
  static constexpr std::chrono::milliseconds first_pause{100};
  static constexpr std::chrono::milliseconds longest_pause{5000};
  /// How long one connection attempt may take.
  static constexpr std::chrono::milliseconds connect_timeout{10000};

  static std::shared_ptr<ReconnectingPgConnection> create(boost::asio::any_io_executor executor, std::string dsn,
                                                          std::string application_name, sdk::Logger& log);

  /// Calls `heard(payload)` for every notification on `channel`.
  void listen(std::string channel, std::function<void(std::string payload)> heard);
  /// Calls `connected()` after each new connection, once its LISTENs are queued
  /// (statements sent from it run after them).
  void on_connected(std::function<void()> connected);
  /// Connects, and keeps connecting again until `stop`.
  void start();
  /// Closes the connection; queued statements are answered with an error.
  void stop();
  /// Runs `sql` (see PgConnection::execute); answered at once with an error
  /// while there is no connection.
  void execute(std::string sql, PgParams params, std::chrono::milliseconds timeout, PgConnection::Answered done);
  /// Blocks until the first connection listens on its channels, or `timeout`
  /// passes; true when it does. Any thread but the strand's.
  bool wait_listening(std::chrono::milliseconds timeout);
  /// True while connected. On the strand.
  bool connected() const noexcept { return connected_; }
  /// Calls `next()` once, on the strand: soon when connected, else right
  /// after the next connection's `on_connected` callbacks. On the strand.
  void when_connected(std::function<void()> next);
  /// The connection's state for health, named `name`. Any thread.
  sdk::EngineConnection state(std::string name) const { return health_.state(std::move(name)); }
  boost::asio::strand<boost::asio::any_io_executor> strand() const { return strand_; }

 private:
  ReconnectingPgConnection(boost::asio::any_io_executor executor, std::string dsn, std::string application_name,
                           sdk::Logger& log);
  void connect();
  void connect_later();

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  std::string dsn_;
  std::string application_name_;
  sdk::Logger& log_;
  std::shared_ptr<PgConnection> connection_;
  boost::asio::steady_timer pause_;
  std::chrono::milliseconds next_pause_ = first_pause;
  std::multimap<std::string, std::function<void(std::string)>> listeners_;
  std::vector<std::function<void()>> connected_callbacks_;
  std::vector<std::function<void()>> next_connected_;  ///< `when_connected`, run once
  std::mutex listening_mutex_;
  std::condition_variable listening_changed_;
  bool listening_ = false;  ///< under listening_mutex_: a first connection listened
  bool stopped_ = false;
  bool ever_connected_ = false;
  bool failing_ = false;  ///< the last attempt failed (logged once until one succeeds)
  bool connected_ = false;
  ConnectionHealth health_;
};

}  // namespace notifyd::core
