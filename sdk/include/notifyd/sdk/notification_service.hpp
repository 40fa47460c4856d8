#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "notifyd/sdk/health_figure.hpp"
#include "notifyd/sdk/notification.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk {

/// What `publish` answers once the notification is durably stored (or refused).
struct PublishOutcome {
  enum class Code {
    accepted,     ///< stored durably; delivery will follow, even after a crash
    not_linked,   ///< no channel reaches the recipient (seed: 404)
    invalid,      ///< the request itself is wrong (empty user or message)
    unavailable,  ///< the store failed (disk full) or the daemon is stopping
  };
  Code code = Code::accepted;
  std::uint64_t id = 0;               ///< the notification id when accepted
  std::vector<std::string> channels;  ///< channel instances it was routed to
  std::string message;                ///< why it was refused (not_linked: what keeps the channels from the user)
};

/// One channel's delivery of a notification, as history shows it.
struct DeliveryRecord {
  std::string channel;
  std::string state;          ///< pending, delivered, failed, expired
  std::uint32_t attempts = 0;
  std::string last_error;
  std::int64_t updated_at_ms = 0;
};

/// One delivery attempt, as history shows it.
struct AttemptRecord {
  std::string channel;
  std::int64_t at_ms = 0;
  std::string outcome;        ///< delivered, retry, permanent, expired
  std::string error;
};

/// A notification with its deliveries and attempts.
struct HistoryEntry {
  Notification notification;
  std::vector<DeliveryRecord> deliveries;
  std::vector<AttemptRecord> attempts;
};

/// Which history to read: newest first.
struct HistoryQuery {
  std::string user;             ///< empty = every user (admins only; the caller checks)
  std::uint32_t limit = 50;     ///< at most 500
  std::uint64_t before_id = 0;  ///< only ids below this; 0 = from the newest
  std::uint64_t after_id = 0;   ///< only ids above this (oldest first when set)
  std::optional<Priority> min_priority;  ///< only notifications at least this loud; nothing = any
  std::string tag;              ///< only notifications carrying this tag (exact match); empty = any
};

/// Per-channel state shown by health endpoints.
struct ChannelHealth {
  std::string channel;
  std::uint64_t pending = 0;     ///< accepted, not yet delivered (stored and in memory)
  std::uint64_t in_flight = 0;
  std::uint64_t retrying = 0;    ///< waiting for a retry timer
  std::uint64_t delivered = 0;   ///< since start
  std::uint64_t failed = 0;      ///< permanent failures and expiries since start
  std::string state;                  ///< Channel::condition's state; empty = not reported
  std::string last_error;             ///< its problem, else the latest failed delivery attempt's error
  std::vector<HealthFigure> figures;  ///< the channel's own counts (Channel::condition)
  bool leads = true;  ///< this replica delivers for it (always, unless it is `one_replica` and another replica holds its lease)
};

/// The pipeline, as plugins see it. Thread-safe.
class NotificationService {
 public:
  virtual ~NotificationService() = default;
  /// Stores the notification durably, then calls `done` on one of the host's
  /// io threads (never on a worker thread of the host's), then routes it to
  /// the channels' outboxes. `done` may come after the caller stopped: wrap it
  /// with the caller's `CallbackScope`, which posts it to the caller's own
  /// executor and drops it once the caller is gone. Once the daemon's io
  /// threads have returned, a pending `done` is destroyed without running.
  virtual void publish(PublishRequest request, std::function<void(PublishOutcome)> done) noexcept = 0;
  /// Reads history; a blocking indexed read, fine on an executor for small limits.
  virtual Result<std::vector<HistoryEntry>> history(const HistoryQuery& query) const noexcept = 0;
  /// One stored notification by id.
  virtual Result<HistoryEntry> find(std::uint64_t id) const noexcept = 0;
  /// Queue depths per channel.
  virtual std::vector<ChannelHealth> health() const noexcept = 0;
};

}  // namespace notifyd::sdk
