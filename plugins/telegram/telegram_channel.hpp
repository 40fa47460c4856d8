#pragma once
// The Telegram channel and bot: links chats to users with one-time codes,
// answers commands, and delivers notifications through the Bot API within
// Telegram's rate limits. Blocking Bot API calls run on the poller's and the
// sender's own threads; all state lives on the plugin's strand. A command's
// replies are stored in the bot state together with the update's offset
// before Telegram hears the update was handled, and sent by the ReplyOutbox;
// ChatOrder keeps each chat's replies and notifications in acceptance order.
// One replica per bot polls and sends (placement one_replica): the poller,
// the sender with its rate buckets and the reply queue make up a LeaderTerm,
// started in `lead(fence)` and stopped in `follow()`; every write of the bot
// state, and of the codes and links the commands change, is fenced with the
// bot's lease, and the sender makes no Bot API call once the lease ran out by
// this replica's clock (`Coordination::holds`). The other replicas serve the
// link routes and leave what the bot should say in the ReplyInbox.
#include <algorithm>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bot_requests.hpp"
#include "bot_state.hpp"
#include "bot_state_document.hpp"
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
#include "reply_inbox.hpp"
#include "reply_outbox.hpp"
#include "status_text.hpp"
#include "telegram_metrics.hpp"
#include "telegram_settings.hpp"
#include "update_batch.hpp"
#include "update_poller.hpp"
#include "verification_codes.hpp"
#include "verify_attempts.hpp"

namespace notifyd::telegram {
namespace channel_detail {

using namespace std::chrono_literals;

// A reply to a command that could not go out within this long is dropped:
// after that it answers a question nobody is waiting for.
inline constexpr std::chrono::milliseconds reply_lifetime = 1h;
// How soon a notification waiting for the chat's earlier replies looks again
// (it is asked to at once when they leave the queue).
inline constexpr std::chrono::milliseconds reply_recheck = 5s;
// How soon a replica that got the lease but could not read the bot state tries again.
inline constexpr std::chrono::milliseconds lead_retry = 1s;
// How long a clean stop lets the Bot API calls in flight be answered (and
// recorded) before it cuts them short: Telegram answers within a fraction of
// it, and a hanging API holds the stop (and the next leader) no longer.
inline constexpr std::chrono::milliseconds stop_grace = 1s;

// What runs only while this replica leads the bot.
struct LeaderTerm {
  sdk::Fence fence;
  std::uint64_t generation = 0;  ///< the channel's count of leads and follows when it began
  std::unique_ptr<MessageSender> sender;
  std::unique_ptr<ReplyOutbox> replies;
  std::unique_ptr<UpdatePoller> poller;
  sdk::Subscription inbox_watch;
  std::thread stopper;                  ///< stops the poller and the sender (from `end_term`, or `finish_term`)
  std::promise<void> finishing;         ///< kept by `stopper`: set once both are stopped
  std::shared_future<void> finished = finishing.get_future().share();
};

}  // namespace channel_detail

/// The telegram channel, exported through NOTIFYD_PLUGIN's adapter: what its
/// members throw becomes a failed Status, a retried delivery, or "not reached".
class TelegramChannel final {
  using LeaderTerm = channel_detail::LeaderTerm;

 public:
  explicit TelegramChannel(sdk::Host& host)
      : host_(host), log_(host.log()), lead_retry_(host.executor()), scope_(host.executor()) {}

  ~TelegramChannel() {
    scope_.close();
    if (stopper_.joinable()) stopper_.join();
    for (auto& term : retired_) {
      if (term->stopper.joinable()) term->stopper.join();
    }
    term_.reset();
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
    document_ = std::make_unique<BotStateDocument>(documents, settings_.state_file);
    inbox_ = std::make_unique<ReplyInbox>(documents, inbox_name_for(settings_.state_file));
    reload_state();
    attempts_ = std::make_unique<VerifyAttempts>(host_.coordination().ephemeral(), host_.instance_name(),
                                                 settings_.max_failed_verifications,
                                                 settings_.failed_verification_window);
    import_attempts_file(documents, settings_.attempts_file, *attempts_, VerifyAttempts::Clock::now(), log_);
    handler_ = std::make_unique<CommandHandler>(
        *links_, *codes_, state_, host_.checks(),
        CommandHandler::Settings{settings_.code_ttl, settings_.max_mute, settings_.mute_recheck});
    link_service_ = std::make_unique<LinkService>(
        *links_, *codes_, *attempts_, state_, enabled_,
        LinkService::Hooks{[this](std::int64_t chat, std::string text) { tell(chat, std::move(text)); },
                           [this](const std::string& user) { unmute(user); }});
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

  // One replica per token may poll getUpdates (Telegram answers a second
  // poller with 409), and the rate limits are per token.
  sdk::Placement placement() const { return sdk::Placement::one_replica; }

  // Polling and sending start in `lead`; until then this replica answers the
  // link routes and keeps its copy of the bot state current for them.
  sdk::Status start() {
    if (!enabled_) return sdk::Status::success();
    state_watch_ = host_.documents().watch(settings_.state_file, host_.executor(), [this](const std::string&) {
      if (!term_) reload_state();
    });
    log_.info(links_->size(), " linked users; polling starts once this replica leads the bot");
    return sdk::Status::success();
  }

  void lead(sdk::Fence fence) {
    if (!enabled_ || stopping_) return;
    end_term();
    const std::uint64_t generation = ++generation_;
    begin_term(std::move(fence), generation);
  }

  void follow() {
    ++generation_;
    lead_retry_.cancel();
    if (!term_) return;
    log_.info("no longer leads the bot: polling and sending stop here");
    end_term();
  }

  // The leader polls no more and starts no further send; the sends in
  // flight are answered and recorded (within `stop_grace`) before `done`, so
  // the next leader repeats none of them. Deliveries and replies not sent
  // stay pending (stored) and go out from the next leader, or after the
  // next start.
  void stop(std::function<void()> done) {
    boost::asio::post(host_.executor(), [this, done = std::move(done)]() mutable {
      stopping_ = true;
      lead_retry_.cancel();
      state_watch_ = {};
      if (term_) {
        finish_term(scope_.wrap([this, done = std::move(done)]() mutable { stop_terms(std::move(done)); }));
        return;
      }
      stop_terms(std::move(done));
    });
  }

  // Ends every term; `done` once their threads are stopped.
  void stop_terms(std::function<void()> done) {
    ++generation_;
    end_term();
    std::vector<std::shared_future<void>> ending;
    for (const auto& term : retired_) ending.push_back(term->finished);
    // Waiting blocks: do it off the io_context. The terms themselves go on
    // the strand, after the reports their senders posted.
    stopper_ = std::thread([ending = std::move(ending), done = std::move(done)] {
      sdk::name_this_thread("tg-stopper");
      for (const auto& finished : ending) finished.wait();
      done();
    });
  }

  // "off" without a token, "down" while getUpdates fails here (a replica
  // that does not lead polls nothing), else "ok"; with the number of linked
  // users. Whether this replica leads is the host's `channel_leads` gauge.
  sdk::ChannelCondition condition() const {
    if (!enabled_) return {"off", "Telegram is off (no bot token)", {}};
    sdk::ChannelCondition condition;
    condition.problem = leading_ ? poll_status_.problem() : std::string();
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
  // A follower's copy of the state answers the link routes (mutes); the
  // leader reads it fresh when its term begins.
  void reload_state() {
    std::string problem;
    auto loaded = document_->load(problem);
    if (!loaded) {
      log_.warn(loaded.error());
      return;
    }
    if (!problem.empty()) log_.warn(problem);
    state_ = std::move(loaded).value();
  }

  void begin_term(sdk::Fence fence, std::uint64_t generation) {
    std::string problem;
    auto loaded = document_->load(problem);
    if (!loaded) {
      log_.error(loaded.error(), "; polling starts once it can be read");
      lead_retry_.expires_after(channel_detail::lead_retry);
      lead_retry_.async_wait([this, fence = std::move(fence), generation](boost::system::error_code ec) mutable {
        if (!ec && generation == generation_ && !stopping_) begin_term(std::move(fence), generation);
      });
      return;
    }
    if (!problem.empty()) log_.warn(problem);
    state_ = std::move(loaded).value();
    const BotEndpoint endpoint{settings_.api_base_url, settings_.token, settings_.request_timeout};
    auto term = std::make_shared<LeaderTerm>();
    term->fence = std::move(fence);
    term->generation = generation;
    term->sender = std::make_unique<MessageSender>(
        endpoint, settings_.limits, settings_.sender_threads, log_, host_.metrics(), host_.instance_name(),
        poll_status_, [&coordination = host_.coordination(), fence = term->fence] { return coordination.holds(fence); });
    MessageSender* sender = term->sender.get();
    const auto current = [this, generation] { return term_ && term_->generation == generation; };
    term->replies = std::make_unique<ReplyOutbox>(
        host_.executor(), state_, order_,
        ReplyOutbox::Hooks{[sender](std::vector<OutgoingMessage> messages, MessageSender::Done done) {
                             sender->send(std::move(messages), std::move(done));
                           },
                           [this, current] {
                             if (current()) save_state();
                           },
                           [this, current, generation](std::int64_t chat, const SendReport& report) {
                             if (!current()) return;
                             if (report.lease_ran_out) {
                               scope_.wrap([this, generation] { lease_ran_out(generation); })();
                               return;
                             }
                             observe(chat, report);
                           },
                           [this](const HeldNotification& held) { return retry_held(held); },
                           [this, current](std::int64_t chat) {
                             if (current()) replies_left(chat);
                           }},
        log_);
    term->poller = std::make_unique<UpdatePoller>(
        endpoint, settings_.poll_timeout, state_.offset, log_, poll_status_,
        [this, generation](UpdateBatch batch, UpdatePoller::Acknowledge ack) {
          boost::asio::post(host_.executor(), [this, generation, batch = std::move(batch), ack = std::move(ack)]() mutable {
            handle_batch(generation, std::move(batch), std::move(ack));
          });
        },
        [this](std::string username) {
          boost::asio::post(host_.executor(), [this, username = std::move(username)]() mutable {
            link_service_->set_bot_username(username);
            handler_->set_username(std::move(username));
          });
        });
    term_ = term;
    leading_ = true;
    poll_status_.working();
    answer_interrupted_runs();
    if (!term_) return;  // the lease was lost while answering them
    take_inbox();
    if (!term_) return;
    term->inbox_watch = host_.documents().watch(inbox_->name(), host_.executor(), [this, current](const std::string&) {
      if (current()) take_inbox();
    });
    term->sender->start();
    term->poller->start();
    term->replies->pump();
    log_.info("leads the bot (", term->fence.lease, " epoch ", term->fence.epoch, "): polling ",
              settings_.api_base_url, " from update ", state_.offset, ", ", state_.replies.size(), " replies queued");
  }

  // Stops the term's work: nothing it still reports is written or sent. Its
  // threads are joined off the io_context; the term is dropped later.
  void end_term() {
    if (!term_) return;
    leading_ = false;
    auto term = std::move(term_);
    term_.reset();
    term->replies->stop();
    term->inbox_watch = {};
    if (term->stopper.joinable()) {
      // Finishing at a clean stop (`finish_term`): kept until the destructor joins it.
      retired_.push_back(std::move(term));
      return;
    }
    // What the sender reports while it stops is posted to the strand before
    // the term is dropped there.
    auto drop = scope_.wrap([this, ended = term.get()] {
      const auto found = std::find_if(retired_.begin(), retired_.end(),
                                      [&](const std::shared_ptr<LeaderTerm>& t) { return t.get() == ended; });
      if (found == retired_.end()) return;
      (*found)->stopper.join();
      retired_.erase(found);
    });
    term->stopper = std::thread([term = term.get(), drop = std::move(drop)] {
      sdk::name_this_thread("tg-stopper");
      term->poller->stop();
      term->sender->stop();
      term->finishing.set_value();
      drop();
    });
    retired_.push_back(std::move(term));
  }

  // The poller stops and the reply queue starts no further send; once the
  // sender's calls in flight were answered (or `stop_grace` passed) and
  // their reports recorded here, `then` runs. The term stays current
  // meanwhile, so those reports are saved with its fence.
  // Its `stopper` runs from here: `end_term` then only retires the term.
  void finish_term(std::function<void()> then) {
    LeaderTerm* term = term_.get();
    term->replies->stop();
    term->inbox_watch = {};
    term->stopper = std::thread([term, then = std::move(then)] {
      sdk::name_this_thread("tg-stopper");
      term->poller->stop();
      term->sender->finish_then_stop(channel_detail::stop_grace);
      term->finishing.set_value();
      then();  // posted to the strand after the reports the sender posted
    });
  }

  // The sender found the lease over by this replica's clock before the
  // host said `follow`: the term ends as after a refused write.
  void lease_ran_out(std::uint64_t generation) {
    if (!term_ || term_->generation != generation) return;
    log_.warn(term_->fence.lease, " ran out by this replica's clock before it heard so; polling and sending stop here");
    ++generation_;
    end_term();
  }

  // Writes the bot state while this replica leads; a refused write means the
  // lease passed on: the term ends at once, before the host says so.
  bool save_state() {
    if (!term_) return false;
    const auto commit = document_->commit(state_, term_->fence);
    switch (commit.outcome) {
      case BotStateDocument::Outcome::written:
        return true;
      case BotStateDocument::Outcome::fenced:
        lost_lease();
        return false;
      case BotStateDocument::Outcome::failed:
        log_.error(commit.error);
        return false;
    }
    return false;
  }

  void lost_lease() {
    log_.warn("the bot state write was refused: ", term_ ? term_->fence.lease : std::string("the lease"),
              " has another holder or expired; polling and sending stop here");
    ++generation_;
    end_term();
  }

  void deliver_now(sdk::Delivery delivery, std::function<void(sdk::DeliveryResult)> done) {
    const auto& notification = *delivery.notification;
    if (!enabled_ || !term_ || stopping_) {
      done(sdk::DeliveryResult::retry(!enabled_   ? "Telegram is off (no bot token)"
                                      : stopping_ ? "stopping"
                                                  : "this replica does not lead the bot",
                                      enabled_ ? std::chrono::milliseconds(std::chrono::seconds(5)) : std::chrono::milliseconds(std::chrono::minutes(5))));
      return;
    }
    MessageSender& sender = *term_->sender;
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
    const bool passes_mute = notification.priority == sdk::Priority::urgent;
    if (const auto until = passes_mute ? 0 : state_.mute_end(notification.user, now_ms)) {
      release(notification.id);
      const auto remaining = std::chrono::milliseconds(until - now_ms);
      done(sdk::DeliveryResult::retry("muted until " + sdk::format_utc_readable(until),
                                      std::min(remaining, settings_.mute_recheck)));
      return;
    }
    if (order_.reply_ahead(link->chat_id, notification.created_at_ms)) {
      waiting_for_replies_[link->chat_id].insert(notification.user);
      done(sdk::DeliveryResult::retry("waiting for earlier replies to this chat", channel_detail::reply_recheck));
      return;
    }
    if (const auto wait = sender.admit(link->chat_id, notification.id)) {
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
    sender.send(std::move(messages), [this, notification = delivery.notification, chat, generation = term_->generation,
                                      done = std::move(done)](SendReport report) mutable {
      boost::asio::post(host_.executor(), [this, notification = std::move(notification), chat, generation,
                                           done = std::move(done), report = std::move(report)]() mutable {
        on_delivered(*notification, chat, generation, std::move(report), std::move(done));
      });
    });
  }
  void on_delivered(const sdk::Notification& notification, std::int64_t chat, std::uint64_t generation,
                    SendReport report, std::function<void(sdk::DeliveryResult)> done) {
    if (report.lease_ran_out) {
      if (report.sent > 0) progress_[notification.id] += report.sent;
      done(sdk::DeliveryResult::retry(report.verdict.error, std::chrono::seconds(5)));
      lease_ran_out(generation);
      return;
    }
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
    if (save_state()) term_->replies->pump();
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

  // Saved by the leader only (fenced): a replica that leads no more leaves
  // it to the leader, which learns it again on its next send there.
  void follow_migration(std::int64_t from, std::int64_t to) {
    order_.migrate(from, to);
    if (!term_) return;
    auto moved = links_->migrate(from, to, term_->fence);
    if (!moved) {
      log_.error("cannot save the move of chat ", from, " to ", to, ": ", moved.error());
    } else if (!moved.value().empty()) {
      log_.info("chat ", from, " became supergroup ", to, "; links updated");
    }
  }

  void deactivate(std::int64_t chat, const std::string& why) {
    if (!term_) return;
    auto changed = links_->set_active(chat, false, term_->fence);
    if (!changed) {
      log_.error("cannot save the link state of chat ", chat, ": ", changed.error());
      return;
    }
    for (const auto& user : changed.value()) log_.warn(user, "'s link is now inactive (", why, ")");
  }

  // A message to a chat outside a command (link confirmations, run
  // outcomes): queued here while leading, else left for the leader.
  void tell(std::int64_t chat, std::string text) {
    if (!term_) {
      if (auto status = inbox_->tell(chat, text); !status) log_.error("a message to chat ", chat, " is lost: ", status.message);
      return;
    }
    queue_reply(state_, {chat, std::move(text), "", sdk::TextFormat::plain, {}}, sdk::now_epoch_ms(), channel_detail::reply_lifetime);
    if (save_state()) term_->replies->pump();
  }

  void unmute(const std::string& user) {
    if (!term_) {
      if (auto status = inbox_->unmute(user); !status) log_.error("the end of ", user, "'s mute is lost: ", status.message);
      return;
    }
    if (state_.muted_until.erase(user) > 0) save_state();
  }

  // What the other replicas left in the inbox becomes part of the state, in
  // one fenced write with the mark of the last entry taken.
  void take_inbox() {
    auto entries = inbox_->after(state_.inbox_done);
    if (!entries) {
      log_.warn(entries.error());
      return;
    }
    if (entries.value().empty()) return;
    const std::int64_t now = sdk::now_epoch_ms();
    for (auto& entry : entries.value()) {
      if (!entry.unmute.empty()) {
        state_.muted_until.erase(entry.unmute);
      } else {
        queue_reply(state_, {entry.chat_id, std::move(entry.text), "", sdk::TextFormat::plain, {}}, now, channel_detail::reply_lifetime);
      }
      state_.inbox_done = entry.seq;
    }
    if (!save_state()) return;
    if (auto forgotten = inbox_->forget(state_.inbox_done); !forgotten) log_.warn(forgotten.message);
    term_->replies->pump();
  }

  // Runs the previous leader (or this replica before a restart) left
  // unanswered are answered, so no /run goes without an answer.
  void answer_interrupted_runs() {
    if (state_.runs.empty()) return;
    const std::int64_t now = sdk::now_epoch_ms();
    for (const auto& run : state_.runs) {
      queue_reply(state_,
                  {run.chat_id,
                   "The run of " + run.check + " was cut short by a restart of notifyd. /run " + run.check +
                       " starts it again.",
                   "", sdk::TextFormat::plain, {}},
                  now, channel_detail::reply_lifetime);
    }
    state_.runs.clear();
    save_state();
  }

  // The batch's effects, replies, runs and new offset are saved in one
  // fenced write before Telegram is told the updates were handled; only
  // then do runs start. A batch polled in an earlier term is dropped.
  void handle_batch(std::uint64_t generation, UpdateBatch batch, UpdatePoller::Acknowledge acknowledge) {
    if (!term_ || term_->generation != generation || stopping_) {
      acknowledge(std::nullopt);
      return;
    }
    auto applied = apply_batch(batch, *handler_, state_, *document_, term_->fence, sdk::now_epoch_ms(),
                               channel_detail::reply_lifetime, log_);
    switch (applied.commit.outcome) {
      case BotStateDocument::Outcome::fenced:
        acknowledge(std::nullopt);
        lost_lease();
        return;
      case BotStateDocument::Outcome::failed:
        log_.error(applied.commit.error, "; the updates are handled again");
        acknowledge(state_.offset);
        return;
      case BotStateDocument::Outcome::written:
        break;
    }
    acknowledge(state_.offset);
    for (auto& actions : applied.performed) perform(std::move(actions));
    for (auto& run : applied.runs) start_run(std::move(run));
    term_->replies->pump();
  }

  void perform(BotActions actions) {
    for (const auto& line : actions.warnings) log_.warn(line);
    for (const auto& line : actions.notes) log_.info(line);
    for (auto& answer : actions.answers) {
      term_->sender->call_now("answerCallbackQuery", answer_callback_body(answer.callback_id, answer.text));
    }
  }

  // Its outcome is queued as a reply; until then the run is in the state,
  // so a restart or a new leader in between still answers.
  void start_run(PendingRun run) {
    host_.checks().run(run.user, run.check, "telegram",
                       scope_.wrap([this, run](const sdk::Result<sdk::RunRecord>& outcome) {
                         std::erase_if(state_.runs, [&](const PendingRun& r) { return r.id == run.id; });
                         tell(run.chat_id, run_outcome_text(run.check, outcome));
                       }));
  }

  sdk::Host& host_;
  sdk::Logger& log_;
  TelegramSettings settings_;
  bool enabled_ = false;
  bool claimed_ = false;
  bool stopping_ = false;
  std::atomic<bool> leading_{false};  ///< for `condition`, from any thread
  BotState state_;
  ChatOrder order_{state_};
  std::map<std::int64_t, std::set<std::string>> waiting_for_replies_;  ///< by chat: users whose notification waits
  std::unique_ptr<LinkRegistry> links_;
  std::unique_ptr<VerificationCodes> codes_;
  std::unique_ptr<VerifyAttempts> attempts_;
  std::unique_ptr<BotStateDocument> document_;
  std::unique_ptr<ReplyInbox> inbox_;
  std::unique_ptr<CommandHandler> handler_;
  std::unique_ptr<LinkService> link_service_;
  PollStatus poll_status_;
  std::map<std::uint64_t, std::size_t> progress_;  ///< messages of a split delivery already sent, by notification id
  std::uint64_t generation_ = 0;                   ///< counts leads and follows; a stale term's reports are dropped
  std::shared_ptr<LeaderTerm> term_;               ///< while this replica leads the bot
  std::vector<std::shared_ptr<LeaderTerm>> retired_;  ///< ended terms being stopped; dropped on the strand
  boost::asio::steady_timer lead_retry_;
  sdk::Subscription state_watch_;
  std::thread stopper_;
  sdk::CallbackScope scope_;  ///< check-run outcomes reach the strand only while the plugin exists
};

}  // namespace notifyd::telegram
