#include "pipeline.hpp"

#include <boost/asio/post.hpp>

#include "notifyd/sdk/bus_topics.hpp"
#include "notifyd/sdk/duration.hpp"
#include "notifyd/sdk/notification_tags.hpp"
#include "notifyd/sdk/user_name.hpp"
#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::core {

using namespace std::chrono_literals;

Pipeline::Pipeline(boost::asio::io_context& io, NotificationStore& store, const PipelineSettings& settings,
                   const sdk::Users& users, sdk::Logger& log, sdk::Metrics& metrics, std::optional<StoreDoorbell> doorbell)
    : io_(io),
      store_answers_(boost::asio::make_strand(io)),
      store_(store),
      settings_(settings),
      users_(users),
      log_(log),
      metrics_(metrics),
      doorbell_(std::move(doorbell)),
      retention_timer_(io),
      accepted_(metrics.counter("notifications_accepted_total", "Notifications stored and queued for delivery")),
      refused_(metrics.counter("notifications_refused_total", "Notifications refused (invalid, not linked, store down)")),
      deadlines_(store_answers_, answer_limit, [this](std::uint64_t id) {
        log_.warn("notification ", id, " was stored after its sender had been told to try again (the store took over ",
                  sdk::format_duration(answer_limit), "); it will be delivered, and may be sent twice");
      }) {}

std::shared_ptr<Outbox> Pipeline::add_channel(const std::string& name, sdk::Channel& channel,
                                              boost::asio::any_io_executor executor, sdk::Placement placement) {
  const bool one_replica = placement == sdk::Placement::one_replica;
  auto outbox = std::make_shared<Outbox>(io_, name, channel, std::move(executor), store_, settings_, log_, metrics_,
                                         !one_replica, one_replica ? doorbell_ : std::nullopt);
  routes_.push_back({name, &channel, outbox, nullptr});
  return outbox;
}

void Pipeline::show_leadership(const std::string& name, std::shared_ptr<const std::atomic<bool>> leads) {
  for (auto& route : routes_) {
    if (route.name == name) route.leads = leads;
  }
}

void Pipeline::start() {
  for (auto& route : routes_) route.outbox->start();
  accepting_ = true;
  prune();
}

void Pipeline::stop(std::function<void()> done) {
  accepting_ = false;
  retention_timer_.cancel();
  deadlines_.stop();
  auto remaining = std::make_shared<std::atomic<std::size_t>>(routes_.size());
  auto shared_done = std::make_shared<std::function<void()>>(std::move(done));
  if (routes_.empty()) {
    (*shared_done)();
    return;
  }
  for (auto& route : routes_) {
    route.outbox->stop([remaining, shared_done] {
      if (remaining->fetch_sub(1) == 1) (*shared_done)();
    });
  }
}

std::string Pipeline::validate(const sdk::PublishRequest& request) const {
  const auto& n = request.notification;
  if (!sdk::is_valid_user_name(n.user)) {
    return "`user` must be a user name (up to 32 letters, digits, . _ -), got \"" + n.user + "\"";
  }
  if (n.message.empty() && n.title.empty() && !request.image) return "a notification needs a message, a title or an image";
  if (n.title.size() > max_title_bytes) return "`title` is longer than " + std::to_string(max_title_bytes) + " bytes";
  if (n.message.size() > max_message_bytes) return "`message` is longer than " + std::to_string(max_message_bytes) + " bytes";
  if (n.data_json.size() > max_data_bytes) return "`data` is larger than " + std::to_string(max_data_bytes) + " bytes";
  // No store keeps them faithfully (PostgreSQL's text refuses them) and no channel sends them.
  for (const auto* text : {&n.title, &n.message, &n.source}) {
    if (text->find('\0') != std::string::npos) return "`title`, `message` and `source` must not contain NUL characters";
  }
  if (request.image && request.image->bytes.size() > max_image_bytes) return "the image is larger than 20 MiB";
  if (!sdk::priority_from_number(static_cast<int>(n.priority))) {
    return "`priority` must be " + std::string(sdk::priority_choices) + ", got " +
           std::to_string(static_cast<int>(n.priority));
  }
  const auto tags = sdk::normalized_tags(n.tags);
  if (!tags) return "`tags`: " + tags.error();
  if (tags.value() != n.tags) return "`tags` must be trimmed and without repeats";
  return {};
}

void Pipeline::publish(sdk::PublishRequest request, std::function<void(sdk::PublishOutcome)> done) noexcept {
  using Code = sdk::PublishOutcome::Code;
  try {
    if (!accepting_) {
      refused_.inc();
      done({Code::unavailable, 0, {}, "notifyd is not accepting notifications (starting or stopping)"});
      return;
    }
    if (auto problem = validate(request); !problem.empty()) {
      refused_.inc();
      done({Code::invalid, 0, {}, std::move(problem)});
      return;
    }
    if (settings_.recipients == Recipients::system && !users_.uid_of(request.notification.user)) {
      refused_.inc();
      done({Code::not_linked, 0, {}, "no user \"" + request.notification.user + "\" on this machine"});
      return;
    }
    std::vector<std::shared_ptr<Outbox>> outboxes;
    std::vector<std::string> names;
    for (const auto& route : routes_) {
      const bool named = request.channels.empty() ||
                         std::find(request.channels.begin(), request.channels.end(), route.name) != request.channels.end();
      if (named && route.channel->reaches(request.notification.user)) {
        outboxes.push_back(route.outbox);
        names.push_back(route.name);
      }
    }
    for (const auto& wanted : request.channels) {
      const bool known = std::any_of(routes_.begin(), routes_.end(), [&](const Route& r) { return r.name == wanted; });
      if (!known) {
        refused_.inc();
        done({Code::invalid, 0, {}, "no channel named \"" + wanted + "\""});
        return;
      }
    }
    if (outboxes.empty()) {
      refused_.inc();
      std::string reasons;
      for (const auto& route : routes_) {
        if (auto reason = route.channel->unreachable_reason(request.notification.user); !reason.empty()) {
          reasons += (reasons.empty() ? "" : "; ") + reason;
        }
      }
      if (reasons.empty()) reasons = "user " + request.notification.user + " has no linked channel";
      done({Code::not_linked, 0, {}, std::move(reasons)});
      return;
    }
    // Delivery starts once the notification is committed; the caller hears
    // "accepted" only once it is also synced to disk.
    store_.insert(
        std::move(request.notification), std::move(request.image), names, store_answers_,
        [this, names, done = deadlines_.watch(std::move(done))](sdk::Status status,
                                                                std::shared_ptr<const sdk::Notification> stored) {
          if (!status) {
            refused_.inc();
            log_.error("cannot store a notification: ", status.message);
            // The reason (a database's address, a full disk) is for the log, not for every sender.
            done({Code::unavailable, 0, {}, "the notification store is unavailable; try again"});
            return;
          }
          accepted_.inc();
          done({Code::accepted, stored->id, names, {}});
        },
        [this, outboxes = std::move(outboxes)](std::shared_ptr<const sdk::Notification> stored) {
          for (const auto& outbox : outboxes) outbox->enqueue(stored);
          ring_committed(stored->id);
        });
  } catch (const std::exception& e) {
    done({Code::unavailable, 0, {}, e.what()});
  }
}

sdk::Result<std::vector<sdk::HistoryEntry>> Pipeline::history(const sdk::HistoryQuery& query) const noexcept {
  return store_.history(query);
}

sdk::Result<sdk::HistoryEntry> Pipeline::find(std::uint64_t id) const noexcept { return store_.find(id); }

std::vector<sdk::ChannelHealth> Pipeline::health() const noexcept {
  std::vector<sdk::ChannelHealth> out;
  for (const auto& route : routes_) {
    out.push_back(route.outbox->health());
    out.back().leads = !route.leads || route.leads->load();
  }
  return out;
}

void Pipeline::recipient_reachable(std::string_view channel, std::string_view user) noexcept {
  try {
    for (const auto& route : routes_) {
      if (route.name == channel) route.outbox->retry_now(std::string(user));
    }
  } catch (const std::exception& e) {
    log_.error("cannot hurry the deliveries of ", user, " on ", channel, ": ", e.what());
  }
}

void Pipeline::ring_committed(std::uint64_t id) {
  if (!commit_bus_) return;
  committed_up_to_.store(id);
  if (commit_ring_posted_.exchange(true)) return;
  boost::asio::post(io_, [this] {
    commit_ring_posted_.store(false);
    commit_bus_->ring(sdk::notifications_committed_topic, std::to_string(committed_up_to_.load()));
  });
}

void Pipeline::prune() {
  const auto cutoff =
      settings_.history_max_age.count() > 0 ? sdk::now_epoch_ms() - settings_.history_max_age.count() : 0;
  store_.prune(cutoff, settings_.history_max_count, io_.get_executor(), [this](std::size_t removed) {
    if (removed > 0) log_.info("history retention removed ", removed, " notifications");
  });
  retention_timer_.expires_after(1min);
  retention_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec && accepting_) prune();
  });
}

}  // namespace notifyd::core
