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
#include "chat_order.hpp"
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
/// for good (blocked, bad request), is dropped with a log line. A reply
/// accepted after a notification to its chat that is held (ChatOrder) waits
/// for it, asking the pipeline to retry it at once and again on the same
/// backoff. Used on the plugin's strand only.
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
    /// Asks the pipeline to retry a held notification now; false when it is
    /// no longer pending here (then it holds nothing back).
    std::function<bool(const HeldNotification&)> retry_held;
    /// A reply to `chat` left the queue (sent or dropped).
    std::function<void(std::int64_t chat)> left;
  };

  ReplyOutbox(boost::asio::any_io_executor executor, BotState& state, ChatOrder& order, Hooks hooks,
              sdk::Logger& log);

  /// Starts whatever may go now; call after queuing replies (and saving them).
  void pump();
  /// Sends nothing more; reports still arriving are recorded.
  void stop();

 private:
  struct Lane {
    bool in_flight = false;
    std::uint32_t failures = 0;
    std::unique_ptr<boost::asio::steady_timer> timer;  ///< set while the lane waits for a retry
    bool behind_notification = false;                  ///< the timer waits for a held notification
  };

  void send_head(std::int64_t chat, Lane& lane, const QueuedReply& reply);
  // Whether `reply` waits behind a held notification (asking for its retry
  // when the lane starts waiting); `changed` is set when a hold went.
  bool held_back(std::int64_t chat, Lane& lane, const QueuedReply& reply, bool& changed);
  void wait(std::int64_t chat, Lane& lane, std::chrono::milliseconds delay);
  void on_report(std::uint64_t id, std::int64_t chat, SendReport report);
  bool drop_expired(std::int64_t now_ms);
  void remove(std::uint64_t id);
  std::chrono::milliseconds backoff(std::uint32_t failures);

  boost::asio::any_io_executor executor_;
  BotState& state_;
  ChatOrder& order_;
  Hooks hooks_;
  sdk::Logger& log_;
  std::map<std::int64_t, Lane> lanes_;
  bool stopped_ = false;
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace notifyd::telegram
