#include "cron_trigger.hpp"

#include <algorithm>
#include <chrono>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include "iso8601.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "printable_text.hpp"

namespace notifyd::cron {
namespace {

// Consecutive timer failures after which the trigger stops scheduling.
constexpr int max_timer_failures = 5;

// A wake-up earlier than the previous one by more than this means the clock was set back.
constexpr std::int64_t clock_jump_ms = 1000;

std::string for_log(std::string_view text) { return printable(text.substr(0, 200)); }

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string slot_text(std::int64_t slot) { return sdk::format_utc_timestamp(slot * 1000, sdk::SecondFraction::none); }

}  // namespace

CronTrigger::CronTrigger(sdk::Host& host) : host_(host), random_(std::random_device{}()) {}

sdk::Status CronTrigger::configure() {
  auto settings = read_cron_settings(host_.config());
  if (!settings) return sdk::Status::failure(settings.error());
  settings_ = std::move(settings.value());
  const std::int64_t jitter = settings_.jitter.count();
  book_ = std::make_unique<ScheduleBook>(settings_.default_schedule, settings_.zone, [this, jitter] {
    return jitter > 0 ? std::uniform_int_distribution<std::int64_t>(0, jitter)(random_) : std::int64_t{0};
  });
  return sdk::Status::success();
}

sdk::Status CronTrigger::start() {
  if (!book_) {
    if (auto configured = configure(); !configured) return configured;
  }
  timer_ = std::make_unique<WallClockTimer>(host_.executor());
  if (!timer_->status()) return sdk::Status::failure(timer_->status().message);
  auto& cluster = host_.coordination();
  claims_ = std::make_unique<SlotClaims>(cluster.ephemeral(), cluster.host_group(), cluster.replica(), cluster.lease_ttl());
  claims_timer_ = std::make_unique<boost::asio::steady_timer>(host_.executor());
  load_state();
  last_wake_ms_ = sdk::now_epoch_ms();
  refresh(last_wake_ms_);
  host_.log().info("scheduling checks in ", settings_.zone->name(), " time; default schedule \"",
                   for_log(settings_.default_schedule), "\"");
  arm();
  return sdk::Status::success();
}

void CronTrigger::stop(std::function<void()> done) {
  stopping_ = true;
  stopped_ = std::move(done);
  if (timer_) timer_->cancel();
  watched_.clear();
  if (claimed_.empty() && claims_timer_) claims_timer_->cancel();
  if (runs_in_flight_ > 0) host_.log().info("waiting for ", runs_in_flight_, " scheduled runs to finish");
  finish_if_stopped();
}

void CronTrigger::arm_claims() {
  if (claims_waiting_ || (claimed_.empty() && watched_.empty())) return;
  claims_waiting_ = true;
  claims_timer_->expires_after(std::max(std::chrono::milliseconds(1), claims_->claim_ttl() / 3));
  claims_timer_->async_wait([this](boost::system::error_code ec) { on_claims_tick(ec); });
}

void CronTrigger::on_claims_tick(boost::system::error_code ec) {
  claims_waiting_ = false;
  if (!ec) {
    try {
      tend_claims();
    } catch (const std::exception& e) {
      host_.log().error("tending the slot claims: ", e.what());
    }
  }
  if (!stopping_ || !claimed_.empty()) arm_claims();
  finish_if_stopped();
}

void CronTrigger::tend_claims() {
  for (auto it = claimed_.begin(); it != claimed_.end();) {
    const auto& [key, claim_slot] = it->first;
    if (it->second.retry && stopping_) {
      claims_->abandon(key, claim_slot);
      it = claimed_.erase(it);
      continue;
    }
    if (it->second.retry) {
      it->second.retry = false;
      launch(key, claim_slot);
    } else if (auto renewed = claims_->renew(key, claim_slot); !renewed) {
      host_.log().warn("cannot renew the claim of the ", slot_text(claim_slot), " slot of ", for_log(key.text()), ": ",
                       for_log(renewed.message));
    }
    ++it;
  }
  const std::int64_t now = steady_ms();
  std::vector<Slot> due;
  for (const auto& [slot, look_at] : watched_) {
    if (look_at <= now) due.push_back(slot);
  }
  for (const auto& slot : due) look_again(slot.first, slot.second);
}

void CronTrigger::look_again(const CheckKey& key, std::int64_t claim_slot) {
  const Slot slot{key, claim_slot};
  const auto look = claims_->look(key, claim_slot);
  if (!look) {
    host_.log().warn("cannot look at the ", slot_text(claim_slot), " slot of ", for_log(key.text()), ": ",
                     for_log(look.error()));
    watched_[slot] = steady_ms() + claims_->claim_ttl().count();
    return;
  }
  switch (look.value()) {
    case SlotLook::running:
      watched_[slot] = steady_ms() + claims_->claim_ttl().count();
      return;
    case SlotLook::finished:
    case SlotLook::replaced_elsewhere:
      watched_.erase(slot);
      return;
    case SlotLook::replace:
      watched_.erase(slot);
      host_.log().info("the replica that claimed the ", slot_text(claim_slot), " slot of ", for_log(key.text()),
                       " stopped before finishing it; running it here");
      // The stopped claimer's run lease lasts as long as its claim, a renewal period later at most.
      claimed_[slot] = ClaimedSlot{true, steady_ms() + 2 * claims_->claim_ttl().count(), false};
      launch(key, claim_slot);
      return;
  }
}

void CronTrigger::finish_if_stopped() {
  if (!stopping_ || waiting_ || claims_waiting_ || runs_in_flight_ > 0 || !stopped_) return;
  auto done = std::move(stopped_);
  stopped_ = nullptr;
  done();
}

void CronTrigger::load_state() {
  auto read = host_.documents().read(cron_state_document);
  if (!read) {
    host_.log().warn("cannot read ", cron_state_document, ": ", read.error(), "; missed runs are not caught up");
    return;
  }
  if (!read.value()) return;
  auto fires = parse_cron_state(*read.value());
  if (!fires) {
    host_.log().warn(cron_state_document, " ", fires.error(), "; missed runs are not caught up");
    return;
  }
  book_->restore(std::move(fires.value()));
}

void CronTrigger::save_state() {
  // Other replicas (of other host groups too) write the same document: each
  // check keeps its latest fire, and only what this book dropped is dropped.
  const auto& fires = book_->last_fires();
  const auto saved = host_.documents().update(
      cron_state_document, [&](const std::optional<std::string>& current) -> sdk::Result<std::optional<std::string>> {
        LastFires merged;
        if (current) {
          if (auto theirs = parse_cron_state(*current)) merged = std::move(theirs.value());
        }
        for (const auto& key : forgotten_) merged.erase(key);
        for (const auto& [key, fired] : fires) {
          auto [at, added] = merged.emplace(key, fired);
          if (!added) at->second = std::max(at->second, fired);
        }
        return std::optional<std::string>(format_cron_state(merged));
      });
  if (!saved) {
    host_.log().error("cannot write ", cron_state_document, ": ", saved.error());
    return;
  }
  forgotten_.clear();
}

void CronTrigger::refresh(std::int64_t now) {
  std::vector<ListedCheck> listed;
  for (const auto& check : host_.checks().checks("")) {
    // Another host group's check is scheduled by that group's replicas.
    if (check.elsewhere) continue;
    listed.push_back({{check.definition.user, check.definition.name}, check.definition.schedule});
  }
  const SyncReport report = book_->sync(listed, now);
  forgotten_.insert(forgotten_.end(), report.forgotten.begin(), report.forgotten.end());
  for (const auto& [key, error] : report.invalid) {
    host_.log().error("check ", for_log(key.text()), " is not scheduled: ", for_log(error));
  }
  if (!report.added.empty() || !report.removed.empty()) {
    host_.log().debug("check list: ", report.added.size(), " added, ", report.removed.size(), " removed");
  }
  publish_next_runs(report.next_runs);
  next_refresh_ms_ = now + settings_.refresh_interval.count();
}

void CronTrigger::publish_next_runs(const std::vector<NextRun>& next_runs) {
  for (const auto& next : next_runs) host_.checks().set_next_run(next.key.user, next.key.name, next.at_ms);
}

void CronTrigger::arm() {
  std::int64_t deadline = next_refresh_ms_;
  if (const auto due = book_->earliest_due_ms(); due && *due < deadline) deadline = *due;
  waiting_ = true;
  timer_->async_wait_until(std::chrono::system_clock::time_point{std::chrono::milliseconds{deadline}},
                           [this](boost::system::error_code ec) { on_wake(ec); });
}

void CronTrigger::on_wake(boost::system::error_code ec) {
  waiting_ = false;
  if (stopping_) {
    finish_if_stopped();
    return;
  }
  try {
    if (ec) {
      host_.log().error("timer failed: ", ec.message());
      if (++timer_failures_ >= max_timer_failures) {
        host_.log().error("stopped scheduling after ", timer_failures_, " timer failures");
        return;
      }
    } else {
      timer_failures_ = 0;
    }
    const std::int64_t now = sdk::now_epoch_ms();
    if (now < last_wake_ms_ - clock_jump_ms) {
      host_.log().info("the clock was set back by ", (last_wake_ms_ - now) / 1000, " s; rescheduling");
      publish_next_runs(book_->clock_set_back(now));
      next_refresh_ms_ = now;
    }
    last_wake_ms_ = now;
    if (now >= next_refresh_ms_) refresh(now);
    const DueReport due = book_->take_due(now);
    for (const auto& run : due.runs) start_run(run);
    if (!due.runs.empty()) save_state();
    publish_next_runs(due.next_runs);
    arm();
  } catch (const std::exception& e) {
    host_.log().error("scheduling stopped: ", e.what());
  }
}

void CronTrigger::start_run(const DueRun& run) {
  auto won = claims_->claim(run.key, run.claim_slot);
  if (!won) {
    // A slot is never lost for want of a claim; another replica may run it too.
    host_.log().warn("cannot claim the ", slot_text(run.claim_slot), " slot of ", for_log(run.key.text()), ": ",
                     for_log(won.error()), "; running it unclaimed");
  } else if (!won.value()) {
    host_.log().debug("the ", slot_text(run.claim_slot), " slot of ", for_log(run.key.text()),
                      " is run by another replica");
    watched_[{run.key, run.claim_slot}] = steady_ms() + claims_->claim_ttl().count();
    arm_claims();
    return;
  }
  if (run.catch_up) {
    host_.log().info(for_log(run.key.text()), " missed its run at ",
                     sdk::format_utc_timestamp(run.missed_slot * 1000, sdk::SecondFraction::none),
                     " while notifyd was down; running it once now");
  } else {
    host_.log().debug("running ", for_log(run.key.text()), " for its ",
                      sdk::format_utc_timestamp(run.slot * 1000, sdk::SecondFraction::none), " slot");
  }
  if (won) claimed_[{run.key, run.claim_slot}] = ClaimedSlot{};
  launch(run.key, run.claim_slot);
}

void CronTrigger::launch(const CheckKey& key, std::int64_t claim_slot) {
  ++runs_in_flight_;
  host_.checks().run(key.user, key.name, "schedule", [this, key, claim_slot](sdk::Result<sdk::RunRecord> record) {
    boost::asio::post(host_.executor(),
                      [this, key, claim_slot, record = std::move(record)] { on_run_done(key, claim_slot, record); });
  });
  arm_claims();
}

void CronTrigger::on_run_done(const CheckKey& key, std::int64_t claim_slot, const sdk::Result<sdk::RunRecord>& record) {
  --runs_in_flight_;
  const auto claimed = claimed_.find({key, claim_slot});
  if (claimed != claimed_.end() && claimed->second.replacement && record && record->outcome == "skipped" &&
      !stopping_ && steady_ms() < claimed->second.retry_until_ms) {
    // The stopped claimer's run lease has not expired yet.
    claimed->second.retry = true;
    return;
  }
  if (claimed != claimed_.end()) {
    const auto status = record ? claims_->finish(key, claim_slot) : claims_->abandon(key, claim_slot);
    if (!status) {
      host_.log().warn("cannot mark the ", slot_text(claim_slot), " slot of ", for_log(key.text()), " done: ",
                       for_log(status.message));
    }
    claimed_.erase(claimed);
    if (stopping_ && claimed_.empty()) claims_timer_->cancel();
  }
  if (!record) {
    host_.log().warn("cannot run ", for_log(key.text()), ": ", for_log(record.error()));
  } else if (record->outcome == "skipped") {
    host_.log().info(for_log(key.text()), " was still running at its next slot; that run was skipped");
  } else {
    host_.log().debug(for_log(key.text()), " finished: ", record->outcome);
  }
  finish_if_stopped();
}

}  // namespace notifyd::cron
