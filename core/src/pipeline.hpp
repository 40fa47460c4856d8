#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "answer_deadlines.hpp"
#include "config_file.hpp"
#include "notification_store.hpp"
#include "notifyd/sdk/coordination.hpp"
#include "notifyd/sdk/logger.hpp"
#include "notifyd/sdk/metrics.hpp"
#include "notifyd/sdk/notification_service.hpp"
#include "notifyd/sdk/plugin.hpp"
#include "notifyd/sdk/users.hpp"
#include "outbox.hpp"

namespace notifyd::core {

/// The path every notification takes: validate, route to the channels that
/// reach the recipient, store durably (then answer), and hand each routed
/// delivery to that channel's outbox. Also enforces history retention.
/// Every publish is answered within `answer_limit`, even by a store that
/// hangs (see AnswerDeadlines).
class Pipeline final : public sdk::NotificationService {
 public:
  /// Largest accepted sizes; bigger requests are refused as invalid.
  static constexpr std::size_t max_title_bytes = 4 * 1024;
  static constexpr std::size_t max_message_bytes = 256 * 1024;
  static constexpr std::size_t max_data_bytes = 256 * 1024;
  static constexpr std::size_t max_image_bytes = 20u << 20;
  static constexpr std::chrono::milliseconds answer_limit{5000};

  /// `users` answers whether a recipient exists (`[pipeline] recipients = "system"`).
  /// `doorbell`: for the outboxes of `one_replica` channels when other
  /// processes write `store` too (replicas on PostgreSQL); none when this
  /// process is the store's only writer.
  Pipeline(boost::asio::io_context& io, NotificationStore& store, const PipelineSettings& settings,
           const sdk::Users& users, sdk::Logger& log, sdk::Metrics& metrics,
           std::optional<StoreDoorbell> doorbell = std::nullopt);

  /// Registers a channel before `start`; its outbox. The outbox of a
  /// `one_replica` channel delivers only once told to `lead`.
  std::shared_ptr<Outbox> add_channel(const std::string& name, sdk::Channel& channel,
                                      boost::asio::any_io_executor channel_executor,
                                      sdk::Placement placement = sdk::Placement::every_replica);
  /// Health shows the channel `name` as led by this replica only while
  /// `*leads` (a `one_replica` channel's `ChannelLeadership`). Before `start`.
  void show_leadership(const std::string& name, std::shared_ptr<const std::atomic<bool>> leads);
  /// Starts the outboxes (loading what was pending) and the retention timer.
  void start();
  /// Refuses new notifications and stops the outboxes; `done` once they hand
  /// out nothing more (deliveries in flight are not waited for: the channels'
  /// own stop cuts them short, and they stay pending).
  void stop(std::function<void()> done);

  void publish(sdk::PublishRequest request, std::function<void(sdk::PublishOutcome)> done) noexcept override;
  sdk::Result<std::vector<sdk::HistoryEntry>> history(const sdk::HistoryQuery& query) const noexcept override;
  sdk::Result<sdk::HistoryEntry> find(std::uint64_t id) const noexcept override;
  std::vector<sdk::ChannelHealth> health() const noexcept override;
  /// `user` became reachable through `channel`: its outbox sends the user's
  /// pending deliveries now (see `sdk::Host::recipient_reachable`). Any thread.
  void recipient_reachable(std::string_view channel, std::string_view user) noexcept;
  /// Rings `sdk::notifications_committed_topic` on `bus` after notifications
  /// commit (once per burst), so replicas tailing the shared history look
  /// again. Before `start`.
  void ring_after_commit(sdk::Bus& bus) noexcept { commit_bus_ = &bus; }

 private:
  struct Route {
    std::string name;
    sdk::Channel* channel;
    std::shared_ptr<Outbox> outbox;
    std::shared_ptr<const std::atomic<bool>> leads;  ///< null: this replica always delivers
  };

  std::string validate(const sdk::PublishRequest& request) const;
  void prune();
  // Rings the commit doorbell once for every notification committed up to now.
  void ring_committed(std::uint64_t id);

  boost::asio::io_context& io_;
  /// Runs the store's answers to inserts one at a time, in commit order, so
  /// the outboxes are handed notifications in id order (see Outbox::enqueue).
  boost::asio::strand<boost::asio::io_context::executor_type> store_answers_;
  NotificationStore& store_;
  const PipelineSettings& settings_;
  const sdk::Users& users_;
  sdk::Logger& log_;
  sdk::Metrics& metrics_;
  std::optional<StoreDoorbell> doorbell_;
  std::vector<Route> routes_;
  std::atomic<bool> accepting_{false};
  boost::asio::steady_timer retention_timer_;
  sdk::Counter& accepted_;
  sdk::Counter& refused_;
  AnswerDeadlines deadlines_;
  sdk::Bus* commit_bus_ = nullptr;
  std::atomic<std::uint64_t> committed_up_to_{0};
  std::atomic<bool> commit_ring_posted_{false};
};

}  // namespace notifyd::core
