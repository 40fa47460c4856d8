#pragma once

#include <chrono>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "bot_api_client.hpp"
#include "notifyd/sdk/logger.hpp"
#include "poll_status.hpp"
#include "updates.hpp"

namespace notifyd::telegram {

/// Long-polls getUpdates on its own thread. Each batch goes to `handle`
/// (which runs on the plugin's strand and acknowledges with the offset it
/// persisted); the next poll starts from that offset only, so an update is
/// confirmed to Telegram only after it was handled. An acknowledgement that
/// did not move the offset (the state could not be saved) polls the same
/// updates again after a backoff; one without an offset (this replica no
/// longer leads the bot) ends the polling. Errors back off (1 s
/// doubling to 60 s); a 409 names its usual cause, and `status` tells health
/// whether polling works. `stop` interrupts a poll in flight at once.
class UpdatePoller {
 public:
  /// Answers a batch: the offset to poll from next, or nullopt to stop polling.
  using Acknowledge = std::function<void(std::optional<std::int64_t> offset)>;
  /// Hands a batch over; the callee calls `acknowledge` exactly once, from any thread.
  using Handler = std::function<void(UpdateBatch batch, Acknowledge acknowledge)>;
  /// Told the bot's username once getMe answered.
  using IdentityHandler = std::function<void(std::string username)>;

  UpdatePoller(BotEndpoint endpoint, std::chrono::milliseconds poll_timeout, std::int64_t offset, sdk::Logger& log,
               PollStatus& status, Handler handle, IdentityHandler identify);
  ~UpdatePoller();

  /// Starts the polling thread.
  void start();
  /// Interrupts the poll in flight and joins the thread. Never call it on
  /// the io_context. Any thread, also while another `stop` runs.
  void stop();

 private:
  struct Acknowledgement {
    std::mutex mutex;
    std::condition_variable done;
    bool answered = false;
    std::optional<std::int64_t> offset;
  };

  void run();
  bool identify();
  bool sleep_for(std::chrono::milliseconds duration);
  void report_failure(const ApiReply& reply, std::chrono::milliseconds backoff);

  BotEndpoint endpoint_;
  std::chrono::milliseconds poll_timeout_;
  std::int64_t offset_;
  sdk::Logger& log_;
  PollStatus& status_;
  Handler handle_;
  IdentityHandler identify_;
  BotApiClient client_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  std::shared_ptr<Acknowledgement> waiting_;  ///< guarded by mutex_
  std::thread thread_;
  std::mutex stop_mutex_;  ///< a second `stop` waits for the first
  std::string last_failure_;
  bool getme_failed_ = false;
};

}  // namespace notifyd::telegram
