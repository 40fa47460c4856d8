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
  if (runs_in_flight_ > 0) host_.log().info("waiting for ", runs_in_flight_, " scheduled runs to finish");
  finish_if_stopped();
}

void CronTrigger::finish_if_stopped() {
  if (!stopping_ || waiting_ || runs_in_flight_ > 0 || !stopped_) return;
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
  const auto status = host_.documents().write(cron_state_document, format_cron_state(book_->last_fires()));
  if (!status) host_.log().error("cannot write ", cron_state_document, ": ", status.message);
}

void CronTrigger::refresh(std::int64_t now) {
  std::vector<ListedCheck> listed;
  for (const auto& check : host_.checks().checks("")) {
    listed.push_back({{check.definition.user, check.definition.name}, check.definition.schedule});
  }
  const SyncReport report = book_->sync(listed, now);
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
  if (run.catch_up) {
    host_.log().info(for_log(run.key.text()), " missed its run at ",
                     sdk::format_utc_timestamp(run.missed_slot * 1000, sdk::SecondFraction::none),
                     " while notifyd was down; running it once now");
  } else {
    host_.log().debug("running ", for_log(run.key.text()), " for its ",
                      sdk::format_utc_timestamp(run.slot * 1000, sdk::SecondFraction::none), " slot");
  }
  ++runs_in_flight_;
  host_.checks().run(run.key.user, run.key.name, "schedule", [this, key = run.key](sdk::Result<sdk::RunRecord> record) {
    boost::asio::post(host_.executor(), [this, key, record = std::move(record)] { on_run_done(key, record); });
  });
}

void CronTrigger::on_run_done(const CheckKey& key, const sdk::Result<sdk::RunRecord>& record) {
  --runs_in_flight_;
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
