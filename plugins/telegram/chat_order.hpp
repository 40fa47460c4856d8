#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "bot_state.hpp"

namespace notifyd::telegram {

/// Keeps one chat's notifications and command replies in acceptance order
/// while either kind waits for a retry. Notifications are queued by the
/// pipeline's outbox and replies by the ReplyOutbox; each queue keeps its own
/// order, and this is what orders them against each other:
/// - a notification whose attempt failed is *held* (`BotState::held`, saved
///   with the rest of the bot state), and a reply accepted after it waits
///   until it went out or was given up;
/// - a notification accepted after a reply still queued for its chat waits
///   for that reply (`reply_ahead`).
/// A mute is not a failure: held notifications of a muted user are released,
/// so answers to commands (/unmute among them) never wait for a mute.
/// Used on the plugin's strand only.
class ChatOrder {
 public:
  using Clock = std::chrono::steady_clock;

  /// How long a hold may go unanswered after the outbox was asked to retry
  /// it before it is taken for gone (expired, or no longer routed here).
  static constexpr std::chrono::seconds unanswered_hold{30};

  explicit ChatOrder(BotState& state) : state_(state) {}

  /// An attempt of notification `id` starts.
  void attempted(std::uint64_t id);
  /// The attempt of `notification` to `chat` failed for now; true when the
  /// held set changed (the caller saves the state).
  bool hold(std::int64_t chat, const std::string& user, std::uint64_t id, std::int64_t accepted_at_ms);
  /// Notification `id` went out, failed for good, or waits for a mute; true
  /// when it was held (the caller saves the state and pumps the replies).
  bool release(std::uint64_t id);
  /// The earliest held notification to `chat` accepted no later than
  /// `accepted_at_ms`, if any: the reply accepted then waits for it.
  const HeldNotification* blocking(std::int64_t chat, std::int64_t accepted_at_ms) const;
  /// Whether a reply accepted before `accepted_at_ms` is still queued for `chat`.
  bool reply_ahead(std::int64_t chat, std::int64_t accepted_at_ms) const;
  /// The outbox was asked to retry held notification `id` now.
  void asked_to_retry(std::uint64_t id, Clock::time_point now);
  /// Forgets holds asked to retry more than `unanswered_hold` ago with no
  /// attempt since; true when any went (the caller saves the state).
  bool forget_unanswered(Clock::time_point now);
  /// The chat moved to `to` (a group became a supergroup).
  void migrate(std::int64_t from, std::int64_t to);

 private:
  BotState& state_;
  std::map<std::uint64_t, Clock::time_point> asked_;  ///< held id → first unanswered retry request
};

}  // namespace notifyd::telegram
