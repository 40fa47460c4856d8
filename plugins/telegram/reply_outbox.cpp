#include "reply_outbox.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

#include "delivery_plan.hpp"
#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::telegram {
namespace {

using namespace std::chrono_literals;

constexpr auto first_backoff = 1s;
constexpr auto longest_backoff = 60s;

}  // namespace

ReplyOutbox::ReplyOutbox(boost::asio::any_io_executor executor, BotState& state, ChatOrder& order, Hooks hooks,
                         sdk::Logger& log)
    : executor_(std::move(executor)), state_(state), order_(order), hooks_(std::move(hooks)), log_(log) {}

void ReplyOutbox::pump() {
  if (stopped_) return;
  bool changed = drop_expired(sdk::now_epoch_ms());
  changed = order_.forget_unanswered(ChatOrder::Clock::now()) || changed;
  std::map<std::int64_t, const QueuedReply*> heads;
  for (const auto& reply : state_.replies) heads.emplace(reply.chat_id, &reply);
  for (const auto& [chat, reply] : heads) {
    Lane& lane = lanes_[chat];
    if (lane.in_flight || (lane.timer && !lane.behind_notification)) continue;
    if (!held_back(chat, lane, *reply, changed)) {
      lane.timer.reset();
      lane.behind_notification = false;
      send_head(chat, lane, *reply);
    }
  }
  if (changed) hooks_.save();
  std::erase_if(lanes_, [&](const auto& entry) {
    return !heads.contains(entry.first) && !entry.second.in_flight && !entry.second.timer;
  });
}

void ReplyOutbox::stop() {
  stopped_ = true;
  for (auto& [chat, lane] : lanes_) {
    if (lane.timer) lane.timer->cancel();
  }
}

bool ReplyOutbox::drop_expired(std::int64_t now_ms) {
  std::vector<std::int64_t> busy;
  for (const auto& [chat, lane] : lanes_) {
    if (lane.in_flight) busy.push_back(chat);
  }
  std::vector<std::uint64_t> expired;
  for (const auto& reply : state_.replies) {
    if (reply.expires_at_ms <= 0 || reply.expires_at_ms > now_ms) continue;
    if (std::find(busy.begin(), busy.end(), reply.chat_id) != busy.end()) continue;
    log_.info("reply to chat ", reply.chat_id, " dropped unsent: it expired at ",
              sdk::format_utc_readable(reply.expires_at_ms));
    expired.push_back(reply.id);
  }
  for (const auto id : expired) remove(id);
  return !expired.empty();
}

bool ReplyOutbox::held_back(std::int64_t chat, Lane& lane, const QueuedReply& reply, bool& changed) {
  while (const auto* held = order_.blocking(chat, reply.created_at_ms)) {
    if (lane.timer) return true;
    const std::uint64_t id = held->notification_id;
    if (!hooks_.retry_held(*held)) {
      changed = order_.release(id) || changed;
      continue;
    }
    order_.asked_to_retry(id, ChatOrder::Clock::now());
    lane.behind_notification = true;
    wait(chat, lane, backoff(++lane.failures));
    return true;
  }
  return false;
}

void ReplyOutbox::wait(std::int64_t chat, Lane& lane, std::chrono::milliseconds delay) {
  lane.timer = std::make_unique<boost::asio::steady_timer>(executor_, delay);
  lane.timer->async_wait([this, chat](boost::system::error_code ec) {
    if (ec || stopped_) return;
    if (const auto found = lanes_.find(chat); found != lanes_.end()) found->second.timer.reset();
    pump();
  });
}

void ReplyOutbox::send_head(std::int64_t chat, Lane& lane, const QueuedReply& reply) {
  auto messages = plan_reply(chat, reply.text, reply.format, reply.keyboard);
  const auto skip = std::min<std::size_t>(reply.parts_sent, messages.size() - 1);
  messages.erase(messages.begin(), messages.begin() + static_cast<std::ptrdiff_t>(skip));
  lane.in_flight = true;
  const std::uint64_t id = reply.id;
  hooks_.send(std::move(messages), [this, id, chat](SendReport report) {
    boost::asio::post(executor_, [this, id, chat, report = std::move(report)]() mutable {
      on_report(id, chat, std::move(report));
    });
  });
}

void ReplyOutbox::on_report(std::uint64_t id, std::int64_t chat, SendReport report) {
  hooks_.observe(chat, report);
  if (report.migrated_to) {
    for (auto& reply : state_.replies) {
      if (reply.chat_id == chat) reply.chat_id = *report.migrated_to;
    }
  }
  Lane& lane = lanes_[chat];
  lane.in_flight = false;
  const auto reply = std::find_if(state_.replies.begin(), state_.replies.end(),
                                  [&](const QueuedReply& r) { return r.id == id; });
  const SendVerdict& verdict = report.verdict;
  if (verdict.kind == SendVerdict::Kind::retry) {
    if (reply != state_.replies.end() && report.sent > 0) {
      reply->parts_sent += static_cast<std::uint32_t>(report.sent);
      hooks_.save();
    }
    if (stopped_) return;
    const auto wait = verdict.retry_after.count() > 0 ? verdict.retry_after : backoff(++lane.failures);
    log_.info("reply to chat ", chat, " not sent yet (", verdict.error, "); retrying in ", wait.count(), " ms");
    this->wait(chat, lane, wait);
    return;
  }
  lane.failures = 0;
  if (verdict.kind != SendVerdict::Kind::sent) log_.warn("reply to chat ", chat, " dropped: ", verdict.error);
  remove(id);
  hooks_.save();
  pump();
}

void ReplyOutbox::remove(std::uint64_t id) {
  const auto found = std::find_if(state_.replies.begin(), state_.replies.end(),
                                  [&](const QueuedReply& reply) { return reply.id == id; });
  if (found == state_.replies.end()) return;
  const std::int64_t chat = found->chat_id;
  state_.replies.erase(found);
  hooks_.left(chat);
}

std::chrono::milliseconds ReplyOutbox::backoff(std::uint32_t failures) {
  const auto exponent = std::min<std::uint32_t>(failures > 0 ? failures - 1 : 0, 16);
  const auto full = std::min<std::chrono::milliseconds>(first_backoff * (1LL << exponent), longest_backoff);
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return std::chrono::milliseconds{static_cast<std::int64_t>(static_cast<double>(full.count()) * jitter(random_))};
}

}  // namespace notifyd::telegram
