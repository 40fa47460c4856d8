#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bot_state.hpp"
#include "message_sender.hpp"
#include "notifyd/sdk/logger.hpp"
#include "outgoing_message.hpp"

namespace notifyd::telegram {

/// Sends the bot's queued replies (`BotState::replies`, stored before their
/// update was confirmed) and removes each once Telegram took it. A chat's
/// replies go out one at a time in acceptance order; a transient failure
/// (429, 5xx, network, stopping) holds back that chat's later replies and is
/// retried after Telegram's retry_after or a backoff (1 s doubling to 60 s,
/// with jitter), also after a restart. A reply past its expiry, or refused
/// for good (blocked, bad request), is dropped with a log line. Used on the
/// plugin's strand only.
class ReplyOutbox {
 public:
  struct Hooks {
    /// Hands one reply's messages to the sender; `done` may run on any thread
    /// (the outbox posts back to its executor).
    std::function<void(std::vector<OutgoingMessage>, std::function<void(SendReport)>)> send;
    /// Persists the bot state after a reply went out or was dropped.
    std::function<void()> save;
    /// Sees every report of a send to `chat` (migrations, blocks).
    std::function<void(std::int64_t chat, const SendReport&)> observe;
  };

  ReplyOutbox(boost::asio::any_io_executor executor, BotState& state, Hooks hooks, sdk::Logger& log);

  /// Starts whatever may go now; call after queuing replies (and saving them).
  void pump();
  /// Sends nothing more; reports still arriving are recorded.
  void stop();

 private:
  struct Lane {
    bool in_flight = false;
    std::uint32_t failures = 0;
    std::unique_ptr<boost::asio::steady_timer> timer;  ///< set while the lane waits for a retry
  };

  void send_head(std::int64_t chat, Lane& lane, const QueuedReply& reply);
  void on_report(std::uint64_t id, std::int64_t chat, SendReport report);
  bool drop_expired(std::int64_t now_ms);
  void remove(std::uint64_t id);
  std::chrono::milliseconds backoff(std::uint32_t failures);

  boost::asio::any_io_executor executor_;
  BotState& state_;
  Hooks hooks_;
  sdk::Logger& log_;
  std::map<std::int64_t, Lane> lanes_;
  bool stopped_ = false;
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace notifyd::telegram
