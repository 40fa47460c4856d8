// The Telegram channel and bot: links chats to users with one-time codes,
// answers commands, and delivers notifications through the Bot API within
// Telegram's rate limits. Blocking Bot API calls run on the poller's and the
// sender's own threads; all state lives on the plugin's strand. A command's
// replies are stored in the bot state together with the update's offset
// before Telegram hears the update was handled, and sent by the ReplyOutbox;
// ChatOrder keeps each chat's replies and notifications in acceptance order.
#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include <boost/asio/post.hpp>

#include "bot_requests.hpp"
#include "bot_state.hpp"
#include "chat_order.hpp"
#include "code_generator.hpp"
#include "command_handler.hpp"
#include "delivery_plan.hpp"
#include "file_claims.hpp"
#include "link_registry.hpp"
#include "link_routes.hpp"
#include "message_sender.hpp"
#include "notifyd/sdk/sdk.hpp"
#include "notifyd/sdk/thread_name.hpp"
#include "reply_outbox.hpp"
#include "status_text.hpp"
#include "telegram_metrics.hpp"
#include "telegram_settings.hpp"
#include "update_poller.hpp"
#include "verification_codes.hpp"
#include "verify_attempts.hpp"

namespace notifyd::telegram {
namespace {

using namespace std::chrono_literals;

// A reply to a command that could not go out within this long is dropped:
// after that it answers a question nobody is waiting for.
constexpr std::chrono::milliseconds reply_lifetime = 1h;
// How soon a notification waiting for the chat's earlier replies looks again
// (it is asked to at once when they leave the queue).
constexpr std::chrono::milliseconds reply_recheck = 5s;

}  // namespace

/// The telegram channel, exported through NOTIFYD_PLUGIN's adapter: what its
/// members throw becomes a failed Status, a retried delivery, or "not reached".
class TelegramChannel final {
 public:
  explicit TelegramChannel(sdk::Host& host) : host_(host), log_(host.log()), scope_(host.executor()) {}

  ~TelegramChannel() {
    scope_.close();
    if (stopper_.joinable()) stopper_.join();
    poller_.reset();
    replies_.reset();
    sender_.reset();
    if (claimed_) FileClaims::release(host_.instance_name());
  }

  static void describe(sdk::ConfigSchema& schema) { describe_telegram_settings(schema); }

  sdk::Status configure() {
    auto settings = read_telegram_settings(host_.config(), host_.instance_name());
    if (!settings) return sdk::Status::failure(settings.error());
    settings_ = std::move(settings).value();
    enabled_ = !settings_.token.empty();
    if (auto conflict = FileClaims::claim({settings_.users_file, settings_.codes_file, settings_.state_file,
                                           settings_.attempts_file},
                                          host_.instance_name());
        !conflict.empty()) {
      return sdk::Status::failure(conflict +
                                  "; give this instance its own users_file, codes_file, state_file and attempts_file");
    }
    claimed_ = true;
    auto& documents = host_.documents();
    links_ = std::make_unique<LinkRegistry>(documents, settings_.users_file);
    if (auto status = links_->load(); !status) return status;
    codes_ = std::make_unique<VerificationCodes>(
        documents, settings_.codes_file, std::chrono::duration_cast<std::chrono::seconds>(settings_.code_ttl),
        &random_code);
    if (auto status = codes_->load(); !status) log_.warn(status.message);
    load_state();
    answer_interrupted_runs();
    attempts_ = std::make_unique<VerifyAttempts>(documents, settings_.attempts_file,
                                                 settings_.max_failed_verifications,
                                                 settings_.failed_verification_window);
    if (auto status = attempts_->load(); !status) log_.warn(status.message);
    handler_ = std::make_unique<CommandHandler>(
        *links_, *codes_, state_, host_.checks(),
        CommandHandler::Settings{settings_.code_ttl, settings_.max_mute, settings_.mute_recheck});
    link_service_ = std::make_unique<LinkService>(
        *links_, *codes_, *attempts_, state_, enabled_,
        LinkService::Hooks{[this](std::int64_t chat, std::string text) { tell(chat, std::move(text)); },
                           [this] { save_state(); }});
    if (settings_.routes) {
      if (auto status = register_link_routes(host_, *link_service_); !status) {
        return sdk::Status::failure(status.message +
                                    " (another telegram instance serves the linking routes; set routes = false here)");
      }
    }
    TelegramMetrics(host_.metrics(), host_.instance_name());  // its series, at 0 while off too
    if (!enabled_) {
      log_.warn("no bot token (token_env/token_file not set, or the variable or file is empty); Telegram is off");
    }
    return sdk::Status::success();
  }

  sdk::Status start() {
    if (!enabled_) return sdk::Status::success();
    const BotEndpoint endpoint{settings_.api_base_url, settings_.token, settings_.request_timeout};
    sender_ = std::make_unique<MessageSender>(endpoint, settings_.limits, settings_.sender_threads, log_,
                                              host_.metrics(), host_.instance_name(), poll_status_);
    replies_ = std::make_unique<ReplyOutbox>(
        host_.executor(), state_, order_,
        ReplyOutbox::Hooks{[this](std::vector<OutgoingMessage> messages, MessageSender::Done done) {
                             sender_->send(std::move(messages), std::move(done));
                           },
                           [this] { save_state(); },
                           [this](std::int64_t chat, const SendReport& report) { observe(chat, report); },
                           [this](const HeldNotification& held) { return retry_held(held); },
                           [this](std::int64_t chat) { replies_left(chat); }},
        log_);
    poller_ = std::make_unique<UpdatePoller>(
        endpoint, settings_.poll_timeout, state_.offset, log_, poll_status_,
        [this](UpdateBatch batch, std::function<void(std::int64_t)> ack) {
          boost::asio::post(host_.executor(), [this, batch = std::move(batch), ack = std::move(ack)]() mutable {
            handle_batch(std::move(batch), std::move(ack));
          });
        },
        [this](std::string username) {
          boost::asio::post(host_.executor(), [this, username = std::move(username)]() mutable {
            link_service_->set_bot_username(username);
            handler_->set_username(std::move(username));
          });
        });
    sender_->start();
    poller_->start();
    replies_->pump();
    log_.info("polling ", settings_.api_base_url, " for updates; ", links_->size(), " linked users");
    return sdk::Status::success();
  }

  // Requests in flight are cut short: their deliveries and replies stay
  // pending (stored) and go out after the next start.
  void stop(std::function<void()> done) {
    stopping_ = true;
    if (replies_) replies_->stop();
    if (!poller_ && !sender_) {
      done();
      return;
    }
    // Joining threads blocks: do it off the io_context.
    stopper_ = std::thread([this, done = std::move(done)] {
      sdk::name_this_thread("tg-stopper");
      if (poller_) poller_->stop();
      if (sender_) sender_->stop();
      done();
    });
  }

  // "off" without a token, "down" while getUpdates fails, else "ok"; with the
  // number of linked users.
  sdk::ChannelCondition condition() const {
    if (!enabled_) return {"off", "Telegram is off (no bot token)", {}};
    sdk::ChannelCondition condition;
    condition.problem = poll_status_.problem();
    condition.state = condition.problem.empty() ? "ok" : "down";
    if (links_) condition.figures.push_back({"linked_users", links_->size()});
    return condition;
  }

  bool reaches(std::string_view user) const {
    return enabled_ && links_ && links_->reaches(user);
  }

  std::string unreachable_reason(std::string_view user) const {
    if (!enabled_ || !links_) return {};
    const auto link = links_->find(user);
    if (!link || link->active) return {};
    return std::string(user) + " has blocked the Telegram bot; messages reach them again once they unblock it";
  }

  void deliver(sdk::Delivery delivery, std::function<void(sdk::DeliveryResult)> done) {
    deliver_now(std::move(delivery), std::move(done));
  }

 private:
  void load_state() {
    auto content = host_.documents().read(settings_.state_file);
    if (!content) {
      log_.warn("cannot read ", settings_.state_file, ": ", content.error(), "; starting from a fresh state");
      return;
    }
    if (!content.value()) return;
    auto parsed = parse_bot_state(*content.value());
    if (!parsed) {
      log_.warn(settings_.state_file, " is ", parsed.error(), "; starting from a fresh state");
      return;
    }
    state_ = std::move(parsed).value();
  }

  void save_state() {
    if (auto status = host_.documents().write(settings_.state_file, serialize_bot_state(state_)); !status) {
      log_.error("cannot save ", settings_.state_file, ": ", status.message);
    }
  }

  void deliver_now(sdk::Delivery delivery, std::function<void(sdk::DeliveryResult)> done) {
    const auto& notification = *delivery.notification;
    if (!enabled_ || !sender_ || stopping_) {
      done(sdk::DeliveryResult::retry(enabled_ ? "stopping" : "Telegram is off (no bot token)", 5min));
      return;
    }
    order_.attempted(notification.id);
    const auto link = links_->find(notification.user);
    if (!link) {
      release(notification.id);
      done(sdk::DeliveryResult::permanent(notification.user + " has no linked Telegram chat"));
      return;
    }
    if (!link->active) {
      release(notification.id);
      done(sdk::DeliveryResult::permanent(notification.user + " has blocked the bot"));
      return;
    }
    const std::int64_t now_ms = sdk::now_epoch_ms();
    if (const auto until = state_.mute_end(notification.user, now_ms)) {
      release(notification.id);
      const auto remaining = std::chrono::milliseconds(until - now_ms);
      done(sdk::DeliveryResult::retry("muted until " + sdk::format_utc_readable(until),
                                      std::min(remaining, settings_.mute_recheck)));
      return;
    }
    if (order_.reply_ahead(link->chat_id, notification.created_at_ms)) {
      waiting_for_replies_[link->chat_id].insert(notification.user);
      done(sdk::DeliveryResult::retry("waiting for earlier replies to this chat", reply_recheck));
      return;
    }
    if (const auto wait = sender_->admit(link->chat_id, notification.id)) {
      hold(link->chat_id, notification);
      done(sdk::DeliveryResult::retry("waiting for the chat's rate limit", *wait));
      return;
    }
    std::error_code ec;
    const bool with_image = !notification.image_path.empty() && std::filesystem::is_regular_file(notification.image_path, ec);
    if (!notification.image_path.empty() && !with_image) {
      log_.warn("notification ", notification.id, ": image ", notification.image_path, " is gone; sending the text only");
    }
    auto messages = plan_delivery(notification, link->chat_id, with_image);
    if (const auto progress = progress_.find(notification.id); progress != progress_.end()) {
      const auto skip = std::min(progress->second, messages.size());
      messages.erase(messages.begin(), messages.begin() + static_cast<std::ptrdiff_t>(skip));
    }
    if (messages.empty()) {
      progress_.erase(notification.id);
      done(sdk::DeliveryResult::ok());
      return;
    }
    const std::int64_t chat = link->chat_id;
    sender_->send(std::move(messages), [this, notification = delivery.notification, chat,
                                        done = std::move(done)](SendReport report) mutable {
      boost::asio::post(host_.executor(), [this, notification = std::move(notification), chat, done = std::move(done),
                                           report = std::move(report)]() mutable {
        on_delivered(*notification, chat, std::move(report), std::move(done));
      });
    });
  }

  void on_delivered(const sdk::Notification& notification, std::int64_t chat, SendReport report,
                    std::function<void(sdk::DeliveryResult)> done) {
    observe(chat, report);
    const std::uint64_t id = notification.id;
    const SendVerdict& verdict = report.verdict;
    switch (verdict.kind) {
      case SendVerdict::Kind::sent:
        progress_.erase(id);
        release(id);
        done(sdk::DeliveryResult::ok());
        return;
      case SendVerdict::Kind::retry:
        if (report.sent > 0) progress_[id] += report.sent;
        hold(report.migrated_to.value_or(chat), notification);
        done(sdk::DeliveryResult::retry(verdict.error, verdict.retry_after));
        return;
      default:
        progress_.erase(id);
        release(id);
        done(sdk::DeliveryResult::permanent(verdict.error));
        return;
    }
  }

  // The chat's replies accepted after `notification` wait until it went out.
  void hold(std::int64_t chat, const sdk::Notification& notification) {
    if (order_.hold(chat, notification.user, notification.id, notification.created_at_ms)) save_state();
  }

  void release(std::uint64_t id) {
    if (!order_.release(id)) return;
    save_state();
    if (replies_ && !stopping_) replies_->pump();
  }

  bool retry_held(const HeldNotification& held) {
    if (const auto entry = host_.notifications().find(held.notification_id)) {
      const auto& deliveries = entry.value().deliveries;
      const auto here = std::find_if(deliveries.begin(), deliveries.end(),
                                     [&](const sdk::DeliveryRecord& d) { return d.channel == host_.instance_name(); });
      if (here == deliveries.end() || here->state != "pending") return false;
    }
    host_.recipient_reachable(held.user);
    return true;
  }

  // Notifications that waited for the chat's earlier replies may go now.
  void replies_left(std::int64_t chat) {
    const auto waiting = waiting_for_replies_.find(chat);
    if (waiting == waiting_for_replies_.end()) return;
    const auto users = std::move(waiting->second);
    waiting_for_replies_.erase(waiting);
    for (const auto& user : users) host_.recipient_reachable(user);
  }

  // What every send to `chat` teaches: the chat moved, or the bot was blocked there.
  void observe(std::int64_t chat, const SendReport& report) {
    if (report.migrated_to) follow_migration(chat, *report.migrated_to);
    if (report.verdict.kind == SendVerdict::Kind::blocked) {
      deactivate(report.migrated_to.value_or(chat), report.verdict.error);
    }
  }

  void follow_migration(std::int64_t from, std::int64_t to) {
    order_.migrate(from, to);
    auto moved = links_->migrate(from, to);
    if (!moved) {
      log_.error("cannot save the move of chat ", from, " to ", to, ": ", moved.error());
    } else if (!moved.value().empty()) {
      log_.info("chat ", from, " became supergroup ", to, "; links updated");
    }
  }

  void deactivate(std::int64_t chat, const std::string& why) {
    auto changed = links_->set_active(chat, false);
    if (!changed) {
      log_.error("cannot save the link state of chat ", chat, ": ", changed.error());
      return;
    }
    for (const auto& user : changed.value()) log_.warn(user, "'s link is now inactive (", why, ")");
  }

  // Queues a reply in the bot state; the caller saves the state, then pumps.
  void queue_reply(BotActions::Reply reply) {
    const std::int64_t now = sdk::now_epoch_ms();
    const auto lifetime = reply.lifetime.count() > 0 ? reply.lifetime : reply_lifetime;
    state_.replies.push_back({state_.next_id++, reply.chat_id, std::move(reply.text), reply.format,
                              std::move(reply.keyboard), now, now + lifetime.count(), 0});
  }

  // A message to a chat outside a command (link confirmations, run outcomes).
  void tell(std::int64_t chat, std::string text) {
    queue_reply({chat, std::move(text), "", sdk::TextFormat::plain, {}});
    save_state();
    if (replies_ && !stopping_) replies_->pump();
  }

  // Runs a restart cut short are answered, so no /run goes without an answer.
  void answer_interrupted_runs() {
    if (state_.runs.empty()) return;
    for (const auto& run : state_.runs) {
      queue_reply({run.chat_id,
                   "The run of " + run.check + " was cut short by a restart of notifyd. /run " + run.check +
                       " starts it again.",
                   "", sdk::TextFormat::plain, {}});
    }
    state_.runs.clear();
    save_state();
  }

  // The batch's effects are kept (links and codes save themselves), then its
  // replies, runs, mutes and the new offset are saved in one write before
  // Telegram is told the updates were handled; only then do runs start.
  void handle_batch(UpdateBatch batch, std::function<void(std::int64_t)> acknowledge) {
    std::vector<BotActions> performed;
    std::vector<PendingRun> runs;
    for (const auto& update : batch.updates) {
      BotActions actions;
      try {
        actions = handler_->handle(update, sdk::now_epoch_ms());
      } catch (const std::exception& e) {
        log_.error("update ", update.update_id, " could not be handled: ", e.what());
      }
      for (auto& reply : actions.replies) queue_reply(std::move(reply));
      actions.replies.clear();
      for (const auto& run : actions.runs) {
        runs.push_back({state_.next_id++, run.chat_id, run.user, run.check});
        state_.runs.push_back(runs.back());
      }
      performed.push_back(std::move(actions));
    }
    state_.offset = batch.next_offset;
    state_.forget_ended_mutes(sdk::now_epoch_ms());
    save_state();
    acknowledge(state_.offset);
    for (auto& actions : performed) perform(std::move(actions));
    for (auto& run : runs) start_run(std::move(run));
    if (replies_ && !stopping_) replies_->pump();
  }

  void perform(BotActions actions) {
    for (const auto& line : actions.warnings) log_.warn(line);
    for (const auto& line : actions.notes) log_.info(line);
    for (auto& answer : actions.answers) {
      if (sender_) sender_->call_now("answerCallbackQuery", answer_callback_body(answer.callback_id, answer.text));
    }
  }

  // Its outcome is queued as a reply; until then the run is in the state,
  // so a restart in between still answers.
  void start_run(PendingRun run) {
    host_.checks().run(run.user, run.check, "telegram",
                       scope_.wrap([this, run](const sdk::Result<sdk::RunRecord>& outcome) {
                         std::erase_if(state_.runs, [&](const PendingRun& r) { return r.id == run.id; });
                         tell(run.chat_id, run_outcome_text(run.check, outcome));
                       }));
  }

  sdk::Host& host_;
  sdk::Logger& log_;
  sdk::CallbackScope scope_;  ///< check-run outcomes reach the strand only while the plugin exists
  TelegramSettings settings_;
  bool enabled_ = false;
  bool claimed_ = false;
  std::atomic<bool> stopping_{false};
  BotState state_;
  ChatOrder order_{state_};
  std::map<std::int64_t, std::set<std::string>> waiting_for_replies_;  ///< by chat: users whose notification waits
  std::unique_ptr<LinkRegistry> links_;
  std::unique_ptr<VerificationCodes> codes_;
  std::unique_ptr<VerifyAttempts> attempts_;
  std::unique_ptr<CommandHandler> handler_;
  std::unique_ptr<LinkService> link_service_;
  std::unique_ptr<MessageSender> sender_;
  PollStatus poll_status_;
  std::unique_ptr<ReplyOutbox> replies_;
  std::unique_ptr<UpdatePoller> poller_;
  std::map<std::uint64_t, std::size_t> progress_;  ///< messages of a split delivery already sent, by notification id
  std::thread stopper_;
};

}  // namespace notifyd::telegram

NOTIFYD_PLUGIN(notifyd::telegram::TelegramChannel, "telegram", channel)
