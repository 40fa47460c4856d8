#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bot_api_client.hpp"
#include "fair_scheduler.hpp"
#include "notifyd/sdk/logger.hpp"
#include "notifyd/sdk/metrics.hpp"
#include "telegram_metrics.hpp"
#include "outgoing_message.hpp"
#include "poll_status.hpp"
#include "send_verdict.hpp"

namespace notifyd::telegram {

/// How a job of messages ended.
struct SendReport {
  SendVerdict verdict;                       ///< `sent` when every message went out, else why the next did not
  std::size_t sent = 0;                      ///< messages of this job that went out
  std::optional<std::int64_t> migrated_to;   ///< the chat moved to this id while sending
  bool lease_ran_out = false;                ///< stopped because `may_send` said no: this replica leads no more
};

/// Sends messages on its own threads ("tg-sender-N"), never on the
/// io_context: a few workers, each with its own Bot API connection, take
/// turns by the FairScheduler's per-chat and global limits. A job (one
/// delivery or one reply) keeps its messages in order and is reported once,
/// from a worker thread; it is tried once (retries are the caller's). Every
/// message that goes out tells `status` the API is reachable. Before each
/// call, `may_send` (when set) is asked whether this replica still leads
/// the bot; when it answers false the call is not made and its job is
/// reported as a retry with `lease_ran_out`.
class MessageSender {
 public:
  using Done = std::function<void(SendReport)>;

  MessageSender(BotEndpoint endpoint, RateLimits limits, std::uint32_t threads, sdk::Logger& log,
                sdk::Metrics& metrics, const std::string& instance, PollStatus& status,
                std::function<bool()> may_send = {});
  ~MessageSender();

  /// Starts the worker threads.
  void start();
  /// Cuts calls in flight short at once; jobs not sent are reported as retry
  /// ("the daemon is stopping"). Blocks until the workers are gone (a moment:
  /// nothing waits on the network); never call it on the io_context. Any
  /// thread, also while another `stop` runs.
  void stop();
  /// Starts no further call, lets the calls in flight be answered for up
  /// to `grace` (their jobs reported as they end), then stops as `stop`
  /// does. Blocks; never call it on the io_context.
  void finish_then_stop(std::chrono::milliseconds grace);

  /// Whether a delivery for `chat` should queue now (nullopt) or wait the
  /// returned delay in the pipeline's outbox first (its chat is backlogged).
  std::optional<std::chrono::milliseconds> admit(std::int64_t chat, std::uint64_t ticket);
  /// Queues `messages` (all for one chat, in order).
  void send(std::vector<OutgoingMessage> messages, Done done);
  /// Calls `method` with `json_body` ahead of queued messages and outside the
  /// limits (answerCallbackQuery); failures are logged only.
  void call_now(std::string method, std::string json_body);

 private:
  struct Job {
    std::vector<OutgoingMessage> messages;
    std::size_t next = 0;
    std::int64_t chat = 0;  ///< the scheduler's key (the chat it was queued under)
    SendReport report;
    Done done;
  };
  struct Call {
    std::string method;
    std::string body;
  };

  void run(std::size_t worker);
  void send_one(BotApiClient& client, Job& job);
  ApiReply transmit(BotApiClient& client, const OutgoingMessage& message, bool fallback);
  void finish(std::unique_lock<std::mutex>& lock, std::uint64_t id);

  BotEndpoint endpoint_;
  std::uint32_t thread_count_;
  sdk::Logger& log_;
  PollStatus& status_;
  std::mutex mutex_;
  std::condition_variable wake_;
  FairScheduler scheduler_;
  std::unordered_map<std::uint64_t, Job> jobs_;
  std::deque<Call> calls_;
  std::uint64_t next_job_ = 1;
  bool stopping_ = false;
  bool closing_ = false;    ///< no further call starts (`finish_then_stop`)
  std::size_t calling_ = 0;  ///< workers waiting for the Bot API now
  std::condition_variable idle_;  ///< `calling_` went down
  std::function<bool()> may_send_;
  std::mutex stop_mutex_;  ///< a second `stop` waits for the first
  std::vector<std::unique_ptr<BotApiClient>> clients_;
  std::vector<std::thread> workers_;
  TelegramMetrics metrics_;
};

}  // namespace notifyd::telegram
