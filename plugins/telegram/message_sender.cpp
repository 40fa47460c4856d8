#include "message_sender.hpp"

#include <fstream>

#include "bot_requests.hpp"
#include "notifyd/sdk/thread_name.hpp"

namespace notifyd::telegram {
namespace {

using namespace std::chrono_literals;
using Clock = FairScheduler::Clock;

constexpr std::size_t max_photo_bytes = 20u << 20;

std::optional<std::string> read_photo(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes(max_photo_bytes + 1, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (bytes.empty() || bytes.size() > max_photo_bytes) return std::nullopt;
  return bytes;
}

}  // namespace

MessageSender::MessageSender(BotEndpoint endpoint, RateLimits limits, std::uint32_t threads, sdk::Logger& log,
                             sdk::Metrics& metrics, const std::string& instance, PollStatus& status,
                             std::function<bool()> may_send)
    : endpoint_(std::move(endpoint)),
      thread_count_(std::max<std::uint32_t>(threads, 1)),
      log_(log),
      status_(status),
      scheduler_(limits, Clock::now()),
      may_send_(std::move(may_send)),
      metrics_(metrics, instance) {}

MessageSender::~MessageSender() { stop(); }

void MessageSender::start() {
  std::lock_guard lock(mutex_);
  if (!workers_.empty() || stopping_) return;
  for (std::uint32_t i = 0; i < thread_count_; ++i) clients_.push_back(std::make_unique<BotApiClient>(endpoint_));
  for (std::uint32_t i = 0; i < thread_count_; ++i) {
    workers_.emplace_back([this, i] {
      sdk::name_this_thread("tg-sender-" + std::to_string(i));
      run(i);
    });
  }
}

void MessageSender::stop() {
  std::lock_guard one_at_a_time(stop_mutex_);
  {
    std::unique_lock lock(mutex_);
    if (workers_.empty() && jobs_.empty()) return;
    stopping_ = true;
    for (auto& client : clients_) client->interrupt();
    wake_.notify_all();
  }
  for (auto& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
  std::unique_lock lock(mutex_);
  workers_.clear();
  scheduler_.drain();
  auto left = std::move(jobs_);
  jobs_.clear();
  lock.unlock();
  for (auto& [id, job] : left) {
    job.report.verdict = {SendVerdict::Kind::retry, 0ms, 0, "the daemon is stopping"};
    if (job.done) job.done(std::move(job.report));
  }
}

void MessageSender::finish_then_stop(std::chrono::milliseconds grace) {
  {
    std::unique_lock lock(mutex_);
    closing_ = true;
    wake_.notify_all();
    idle_.wait_for(lock, grace, [&] { return calling_ == 0; });
  }
  stop();
}

std::optional<std::chrono::milliseconds> MessageSender::admit(std::int64_t chat, std::uint64_t ticket) {
  std::lock_guard lock(mutex_);
  return scheduler_.admit(chat, ticket, Clock::now());
}

void MessageSender::send(std::vector<OutgoingMessage> messages, Done done) {
  std::unique_lock lock(mutex_);
  if (stopping_ || messages.empty()) {
    lock.unlock();
    SendReport report;
    if (!messages.empty()) report.verdict = {SendVerdict::Kind::retry, 0ms, 0, "the daemon is stopping"};
    if (done) done(std::move(report));
    return;
  }
  const std::uint64_t id = next_job_++;
  const std::int64_t chat = messages.front().chat_id;
  jobs_.emplace(id, Job{std::move(messages), 0, chat, {}, std::move(done)});
  scheduler_.push(chat, id, Clock::now());
  metrics_.send_queue.set(static_cast<std::int64_t>(scheduler_.pending()));
  wake_.notify_one();
}

void MessageSender::call_now(std::string method, std::string json_body) {
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  calls_.push_back({std::move(method), std::move(json_body)});
  wake_.notify_one();
}

void MessageSender::run(std::size_t worker) {
  BotApiClient& client = *clients_[worker];
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (closing_) {
      wake_.wait(lock);
      continue;
    }
    if (!calls_.empty()) {
      Call call = std::move(calls_.front());
      calls_.pop_front();
      ++calling_;
      lock.unlock();
      if (!may_send_ || may_send_()) {
        const ApiReply reply = client.call(call.method, call.body);
        if (reply.ok) status_.reached();
        if (!reply.ok && !reply.interrupted) log_.warn(call.method, " failed: ", reply.summary());
      }
      lock.lock();
      --calling_;
      idle_.notify_all();
      wake_.notify_all();
      continue;
    }
    const auto decision = scheduler_.next(Clock::now());
    if (const auto* wait = std::get_if<FairScheduler::Wait>(&decision)) {
      wake_.wait_for(lock, wait->duration);
      continue;
    }
    if (std::holds_alternative<FairScheduler::Idle>(decision)) {
      wake_.wait(lock);
      continue;
    }
    const auto grant = std::get<FairScheduler::Grant>(decision);
    auto found = jobs_.find(grant.job);
    if (found == jobs_.end()) {
      scheduler_.release(grant.chat, true, Clock::now());
      continue;
    }
    Job& job = found->second;  // stays valid: only the worker holding the chat's grant erases it
    ++calling_;
    lock.unlock();
    send_one(client, job);
    lock.lock();
    --calling_;
    const bool finished = job.next >= job.messages.size() || job.report.verdict.kind != SendVerdict::Kind::sent;
    if (job.report.verdict.kind == SendVerdict::Kind::retry && job.report.verdict.retry_after.count() > 0) {
      scheduler_.hold(grant.chat, Clock::now() + job.report.verdict.retry_after);
    }
    scheduler_.release(grant.chat, finished, Clock::now());
    if (finished) finish(lock, grant.job);
    metrics_.send_queue.set(static_cast<std::int64_t>(scheduler_.pending()));
    idle_.notify_all();
    wake_.notify_all();
  }
}

void MessageSender::finish(std::unique_lock<std::mutex>& lock, std::uint64_t id) {
  auto found = jobs_.find(id);
  if (found == jobs_.end()) return;
  Job job = std::move(found->second);
  jobs_.erase(found);
  lock.unlock();
  if (job.done) job.done(std::move(job.report));
  lock.lock();
}

ApiReply MessageSender::transmit(BotApiClient& client, const OutgoingMessage& message, bool fallback) {
  if (message.kind == OutgoingMessage::Kind::text) return client.call("sendMessage", send_message_body(message, fallback));
  const auto photo = read_photo(message.photo_path);
  if (!photo) {
    ApiReply reply;
    reply.error_code = 400;
    reply.description = "cannot read the image " + message.photo_path;
    return reply;
  }
  const std::string name = "image." + message.photo_mime.substr(message.photo_mime.find('/') + 1);
  return client.upload("sendPhoto", send_photo_fields(message, fallback), "photo", *photo, name, message.photo_mime);
}

void MessageSender::send_one(BotApiClient& client, Job& job) {
  OutgoingMessage& message = job.messages[job.next];
  bool fallback = false;
  for (int tries = 0; tries < 4; ++tries) {
    if (may_send_ && !may_send_()) {
      job.report.verdict = {SendVerdict::Kind::retry, 0ms, 0, "this replica's lease on the bot ran out"};
      job.report.lease_ran_out = true;
      return;
    }
    const ApiReply reply = transmit(client, message, fallback);
    SendVerdict verdict = classify_send(reply);
    if (verdict.kind == SendVerdict::Kind::unparsable_entities && !fallback && message.fallback) {
      log_.info("Telegram could not parse the entities (", reply.description, "); resending as plain text");
      fallback = true;
      continue;
    }
    if (verdict.kind == SendVerdict::Kind::migrated && verdict.new_chat_id != message.chat_id) {
      log_.info("chat ", message.chat_id, " became ", verdict.new_chat_id, "; resending there");
      for (auto& later : job.messages) later.chat_id = verdict.new_chat_id;
      job.report.migrated_to = verdict.new_chat_id;
      continue;
    }
    if (verdict.kind == SendVerdict::Kind::unparsable_entities) verdict.kind = SendVerdict::Kind::permanent;
    if (verdict.kind == SendVerdict::Kind::sent) {
      status_.reached();
      metrics_.messages_sent.inc();
      ++job.next;
      ++job.report.sent;
    } else {
      metrics_.send_failures.inc();
      if (reply.error_code == 429) metrics_.rate_limited.inc();
    }
    job.report.verdict = std::move(verdict);
    return;
  }
  job.report.verdict = {SendVerdict::Kind::permanent, 0ms, 0, "the chat kept moving or refusing the text"};
}

}  // namespace notifyd::telegram
