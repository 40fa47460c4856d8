#pragma once

#include "notification_store.hpp"

namespace notifyd::test {

/// A store that hands every call to `inner`: tests derive from it and
/// override only the calls whose behaviour they change.
class ForwardingStore : public core::NotificationStore {
 public:
  explicit ForwardingStore(core::NotificationStore& inner) : inner_(inner) {}

  sdk::Status open() override { return inner_.open(); }
  void close() override { inner_.close(); }
  void insert(sdk::Notification notification, std::optional<sdk::ImageUpload> image, std::vector<std::string> channels,
              boost::asio::any_io_executor executor, InsertDone done, InsertCommitted committed) override {
    inner_.insert(std::move(notification), std::move(image), std::move(channels), std::move(executor), std::move(done),
                  std::move(committed));
  }
  void update_delivery(std::uint64_t id, std::string channel, core::DeliveryState state, std::uint32_t attempts,
                       std::string error, std::string attempt_outcome) override {
    inner_.update_delivery(id, std::move(channel), state, attempts, std::move(error), std::move(attempt_outcome));
  }
  void after_queued_writes(boost::asio::any_io_executor executor, std::function<void()> done) override {
    inner_.after_queued_writes(std::move(executor), std::move(done));
  }
  sdk::Result<std::uint64_t> next_run_id() override { return inner_.next_run_id(); }
  void insert_run(sdk::RunRecord run, std::uint32_t keep_per_check, boost::asio::any_io_executor executor,
                  std::function<void(sdk::Status)> done) override {
    inner_.insert_run(std::move(run), keep_per_check, std::move(executor), std::move(done));
  }
  sdk::Result<std::vector<sdk::RunRecord>> runs(std::string_view user, std::string_view check,
                                                std::uint32_t limit) const override {
    return inner_.runs(user, check, limit);
  }
  sdk::Result<std::vector<sdk::RunRecord>> latest_runs() const override { return inner_.latest_runs(); }
  void prune(std::int64_t created_before_ms, std::uint64_t keep_count, boost::asio::any_io_executor executor,
             std::function<void(std::size_t)> done) override {
    inner_.prune(created_before_ms, keep_count, std::move(executor), std::move(done));
  }
  sdk::Result<std::vector<core::PendingDelivery>> pending(std::string_view channel, std::uint64_t after_id,
                                                          std::size_t limit) const override {
    return inner_.pending(channel, after_id, limit);
  }
  sdk::Result<std::uint64_t> count_pending(std::string_view channel) const override {
    return inner_.count_pending(channel);
  }
  sdk::Result<std::int64_t> last_created_ms(std::string_view user, std::string_view source) const override {
    return inner_.last_created_ms(user, source);
  }
  sdk::Result<std::vector<sdk::HistoryEntry>> history(const sdk::HistoryQuery& query) const override {
    return inner_.history(query);
  }
  sdk::Result<sdk::HistoryEntry> find(std::uint64_t id) const override { return inner_.find(id); }

 private:
  core::NotificationStore& inner_;
};

}  // namespace notifyd::test
