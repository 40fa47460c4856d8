#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "bot_state.hpp"
#include "link_registry.hpp"
#include "notifyd/sdk/check_service.hpp"
#include "notifyd/sdk/notification.hpp"
#include "updates.hpp"
#include "verification_codes.hpp"

namespace notifyd::telegram {

/// What handling one update asks the plugin to do next.
struct BotActions {
  /// A message to a chat (plain text unless said otherwise, optional inline keyboard).
  struct Reply {
    std::int64_t chat_id = 0;
    std::string text;
    std::string keyboard;
    sdk::TextFormat format = sdk::TextFormat::plain;
    std::chrono::milliseconds lifetime{0};  ///< not sent after this long; 0 = the bot's usual reply lifetime
  };
  /// The answer to a button press (the small notice Telegram shows).
  struct CallbackAnswer {
    std::string callback_id;
    std::string text;
  };
  /// A check to run now; its outcome goes back to `chat_id`.
  struct CheckRun {
    std::int64_t chat_id = 0;
    std::string user;
    std::string check;
  };
  std::vector<Reply> replies;
  std::vector<CallbackAnswer> answers;
  std::vector<CheckRun> runs;
  std::vector<std::string> warnings;   ///< failures the operator should know about
  std::vector<std::string> notes;      ///< state changes worth an info line
  bool state_changed = false;          ///< mutes changed: save the bot state
};

/// The bot's commands (/start, /help, /whoami, /status, /run, /mute, /unmute),
/// its buttons and its reaction to being blocked. Changes links, codes and
/// mutes (links and codes save themselves, fenced with the leader's fence;
/// `state_changed` asks the caller to save mutes with the offset) and says
/// what to send. Used on the plugin's strand.
class CommandHandler {
 public:
  struct Settings {
    std::chrono::milliseconds code_ttl{600000};
    std::chrono::milliseconds max_mute{24 * 3600 * 1000};
    std::chrono::milliseconds mute_recheck{30000};  ///< how soon held notifications move after /unmute
  };

  CommandHandler(LinkRegistry& links, VerificationCodes& codes, BotState& state, sdk::CheckService& checks,
                 Settings settings);

  /// Handles one update at `now_ms` (Unix milliseconds); the links and codes
  /// it changes are saved fenced with `fence` (the bot's lease).
  BotActions handle(const Update& update, std::int64_t now_ms, const sdk::Fence& fence);
  /// The bot's @username once getMe told it; commands addressed to other bots are ignored.
  void set_username(std::string username) { username_ = std::move(username); }

  /// The text /help answers.
  static std::string help_text();

 private:
  void on_message(const ChatMessage& message, std::int64_t now_ms, const sdk::Fence& fence, BotActions& actions);
  void on_press(const ButtonPress& press, BotActions& actions);
  void on_membership(const MembershipChange& change, const sdk::Fence& fence, BotActions& actions);
  void start(std::int64_t chat, std::int64_t now_ms, const sdk::Fence& fence, BotActions& actions);
  void whoami(std::int64_t chat, const std::vector<std::string>& users, std::int64_t now_ms, BotActions& actions);
  void status(std::int64_t chat, const std::vector<std::string>& users, std::int64_t now_ms, BotActions& actions);
  void mute(std::int64_t chat, const std::vector<std::string>& users, const std::string& argument,
            std::int64_t now_ms, BotActions& actions);
  void unmute(std::int64_t chat, const std::vector<std::string>& users, std::int64_t now_ms, BotActions& actions);
  std::string owner_of_check(const std::vector<std::string>& users, const std::string& check) const;

  LinkRegistry& links_;
  VerificationCodes& codes_;
  BotState& state_;
  sdk::CheckService& checks_;
  Settings settings_;
  std::string username_;
};

}  // namespace notifyd::telegram
