#pragma once

#include <map>
#include <memory>
#include <mutex>

#include "notifyd/sdk/coordination.hpp"
#include "reconnecting_pg_connection.hpp"

namespace notifyd::core {

/// `sdk::Bus` over PostgreSQL's LISTEN/NOTIFY: every ring is one
/// `pg_notify` on the `notifyd_bus` channel (payload: the topic's length,
/// `:`, the topic, the note), heard by every replica listening, this one
/// included. A ring sent while the connection is down is lost, as a doorbell may be.
class PgBus final : public sdk::Bus {
 public:
  static constexpr std::string_view channel = "notifyd_bus";
  /// The longest topic and note together (PostgreSQL's payload limit is 8000 bytes).
  static constexpr std::size_t max_payload_bytes = 7900;

  /// Registers with `link` (before it starts).
  explicit PgBus(std::shared_ptr<ReconnectingPgConnection> link);
  ~PgBus() override;
  PgBus(const PgBus&) = delete;
  PgBus& operator=(const PgBus&) = delete;

  /// The `pg_notify` payload of a ring of `topic` with `note`, for a
  /// statement that rings inside its own transaction.
  static std::string payload(std::string_view topic, std::string_view note);

  void ring(std::string_view topic, std::string_view note = {}) noexcept override;
  sdk::Subscription listen(std::string topic, boost::asio::any_io_executor executor,
                           std::function<void(std::string note)> rung) noexcept override;

 private:
  struct Listener;
  struct Listeners;

  std::shared_ptr<ReconnectingPgConnection> link_;
  std::shared_ptr<Listeners> listeners_;
};

}  // namespace notifyd::core
