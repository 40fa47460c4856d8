#include "check_runner.hpp"

#include <algorithm>
#include <chrono>

#include <boost/asio/post.hpp>

#include "notifyd/sdk/check_output.hpp"
#include "notifyd/sdk/counted.hpp"
#include "notifyd/sdk/duration.hpp"
#include "notifyd/sdk/image.hpp"
#include "notifyd/sdk/user_file.hpp"
#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::core {
namespace {

bool is_failure(std::string_view outcome) {
  return outcome == "timeout" || outcome == "bad_output" || outcome == "failed" || outcome == "refused";
}

// Reads the image a check attached, with its owner's permissions: a regular
// file within `max_bytes`, recognisably PNG, JPEG, GIF or WebP.
sdk::Result<sdk::ImageUpload> read_check_image(const std::string& path, std::string_view user, std::uint64_t max_bytes) {
  using R = sdk::Result<sdk::ImageUpload>;
  auto bytes = sdk::read_file_as_user(user, path, max_bytes);
  if (!bytes) return R::failure("`image_path` " + bytes.error());
  const auto type = sdk::sniff_image_type(bytes.value());
  if (!type) return R::failure("`image_path` " + path + " is not a PNG, JPEG, GIF or WebP image");
  return sdk::ImageUpload{std::move(bytes).value(), *type};
}

// "<detail>; warning: <w1>; warning: <w2>", how a run record shows what a
// check should tidy.
std::string with_warnings(std::string detail, const std::vector<std::string>& warnings) {
  for (const auto& warning : warnings) detail += (detail.empty() ? "warning: " : "; warning: ") + warning;
  return detail;
}

}  // namespace

CheckRunner::CheckRunner(boost::asio::any_io_executor executor, NotificationStore& store,
                         sdk::NotificationService& notifications, sdk::Coordination& coordination,
                         const CheckSettings& settings, sdk::Logger& log, sdk::Metrics& metrics)
    : executor_(std::move(executor)),
      store_(store),
      notifications_(notifications),
      ledger_(coordination.documents(), log),
      leases_(coordination),
      coordination_(coordination),
      where_(coordination.backend() == "local" ? "" : " in host group \"" + coordination.host_group() + "\""),
      settings_(settings),
      log_(log),
      runs_started_(metrics.counter("check_runs_started_total", "Check runs started")),
      metrics_(metrics),
      publish_every_(std::max<std::chrono::milliseconds>(std::chrono::seconds(1), coordination.lease_ttl())) {
  if (coordination.backend() == "local") return;
  catalogue_ = std::make_unique<CheckCatalogue>(coordination.documents(), coordination.host_group());
  requests_ = std::make_unique<RunRequests>(
      executor_, coordination, log_,
      [this](const std::string& user, const std::string& check, std::string trigger, RunRequests::Answer done) {
        run_here(user, check, std::move(trigger), std::move(done));
      });
  catalogue_timer_ = std::make_unique<boost::asio::steady_timer>(executor_);
}

void CheckRunner::share() {
  if (!requests_) return;
  requests_->start();
  boost::asio::post(executor_, [this] { publish_catalogue(); });
}

void CheckRunner::publish_catalogue() {
  std::vector<Provider> providers;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    providers = providers_;
  }
  std::vector<sdk::CheckDefinition> offered;
  for (const auto& p : providers) {
    for (auto& definition : p.provider->list_checks()) offered.push_back(std::move(definition));
  }
  if (auto published = catalogue_->publish(offered); !published) log_.warn(published.message);
  catalogue_timer_->expires_after(publish_every_);
  catalogue_timer_->async_wait([this](boost::system::error_code ec) {
    if (!ec) publish_catalogue();
  });
}

void CheckRunner::load_history() {
  auto latest = store_.latest_runs();
  if (!latest) {
    log_.error("cannot load run history: ", latest.error());
    return;
  }
  for (auto& run : latest.value()) {
    // A failure streak that was running before a restart goes on from where
    // it stood, so its owner is neither told twice nor left without the
    // recovery notice. Counting up to the alert threshold is enough.
    std::uint32_t failures = 0;
    if (is_failure(run.outcome) && settings_.failure_alert_after > 0) {
      auto recent = store_.runs(run.user, run.check, settings_.failure_alert_after);
      if (recent) {
        for (const auto& earlier : recent.value()) {
          if (!is_failure(earlier.outcome)) break;
          ++failures;
        }
      }
    }
    std::lock_guard lock(mutex_);
    auto& state = states_[{run.user, run.check}];
    state.failures_in_a_row = failures;
    state.last_run = std::move(run);
  }
}

void CheckRunner::stop() {
  std::deque<std::shared_ptr<Job>> queued;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queued.swap(queue_);
    for (const auto& timer : result_retries_) {
      boost::asio::post(executor_, [timer] { timer->cancel(); });
    }
    for (const auto& job : queued) states_[{job->record.user, job->record.check}].running = false;
  }
  if (requests_) {
    requests_->stop();
    boost::asio::post(executor_, [timer = catalogue_timer_.get()] { timer->cancel(); });
  }
  for (auto& job : queued) job->done(RunResult::refused(RunRefusal::Kind::stopping, "notifyd is stopping"));
}

void CheckRunner::add_provider(std::string instance, sdk::CheckProvider& provider) noexcept {
  std::lock_guard lock(mutex_);
  providers_.push_back({std::move(instance), &provider});
}

void CheckRunner::remove_providers(std::string_view instance) noexcept {
  std::lock_guard lock(mutex_);
  std::erase_if(providers_, [&](const Provider& p) { return p.instance == instance; });
}

std::optional<std::pair<sdk::CheckDefinition, sdk::CheckProvider*>> CheckRunner::find(std::string_view user,
                                                                                      std::string_view name) const {
  std::vector<Provider> providers;
  {
    std::lock_guard lock(mutex_);
    providers = providers_;
  }
  for (const auto& p : providers) {
    for (auto& definition : p.provider->list_checks()) {
      if (definition.user == user && definition.name == name) {
        definition.provider = p.instance;
        return std::pair{std::move(definition), p.provider};
      }
    }
  }
  return std::nullopt;
}

std::vector<sdk::CheckStatus> CheckRunner::checks(std::string_view user) const noexcept {
  std::vector<sdk::CheckStatus> out;
  try {
    std::vector<Provider> providers;
    {
      std::lock_guard lock(mutex_);
      providers = providers_;
    }
    for (const auto& p : providers) {
      for (auto& definition : p.provider->list_checks()) {
        if (!user.empty() && definition.user != user) continue;
        definition.provider = p.instance;
        sdk::CheckStatus status;
        status.definition = std::move(definition);
        if (catalogue_) status.host_group = coordination_.host_group();
        out.push_back(std::move(status));
      }
    }
    if (catalogue_) add_elsewhere(user, out);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return std::tie(a.definition.user, a.definition.name) < std::tie(b.definition.user, b.definition.name);
    });
    for (auto& status : out) {
      status.last_sent_ms = ledger_.last_sent(status.definition.user, status.definition.name) * 1000;
      if (status.elsewhere) continue;
      std::lock_guard lock(mutex_);
      if (auto it = states_.find({status.definition.user, status.definition.name}); it != states_.end()) {
        status.last_run = it->second.last_run;
        status.next_run_ms = it->second.next_run_ms;
      }
    }
  } catch (const std::exception& e) {
    log_.error("cannot list checks: ", e.what());
  }
  return out;
}

void CheckRunner::add_elsewhere(std::string_view user, std::vector<sdk::CheckStatus>& out) const {
  auto listed = catalogue_->listed(user);
  if (!listed) {
    log_.warn("the checks of other host groups are not listed: ", listed.error());
    return;
  }
  std::set<Key> here;
  for (const auto& status : out) here.emplace(status.definition.user, status.definition.name);
  const auto view = coordination_.view();
  const auto running = [&](const std::string& group) {
    return std::ranges::any_of(view.replicas,
                               [&](const sdk::ReplicaView& r) { return !r.self && r.host_group == group; });
  };
  const std::size_t first_elsewhere = out.size();
  for (auto& offer : listed.value()) {
    // This group's own entry may be older than its checks: what it lists and this replica has not is gone.
    if (offer.host_group == coordination_.host_group() || here.contains({offer.user, offer.name})) continue;
    const bool group_running = running(offer.host_group);
    // A check offered by several groups is run by the first one with a live replica (`RunRequests::ask`).
    if (out.size() > first_elsewhere && out.back().definition.user == offer.user &&
        out.back().definition.name == offer.name) {
      if (!out.back().group_running && group_running) {
        out.back().host_group = offer.host_group;
        out.back().group_running = true;
      }
      continue;
    }
    sdk::CheckStatus status;
    status.definition.name = std::move(offer.name);
    status.definition.user = std::move(offer.user);
    status.definition.schedule = std::move(offer.schedule);
    status.definition.timeout = offer.timeout;
    status.definition.origin = std::move(offer.origin);
    status.host_group = std::move(offer.host_group);
    status.elsewhere = true;
    status.group_running = group_running;
    out.push_back(std::move(status));
  }
  if (out.size() == first_elsewhere) return;
  // The runs of other groups' checks are in the shared store, not in this replica's memory.
  auto latest = store_.latest_runs();
  if (!latest) {
    log_.warn("cannot read the last runs of other host groups' checks: ", latest.error());
    return;
  }
  std::map<Key, sdk::RunRecord> by_check;
  for (auto& run : latest.value()) by_check.emplace(Key{run.user, run.check}, std::move(run));
  for (auto it = out.begin() + static_cast<std::ptrdiff_t>(first_elsewhere); it != out.end(); ++it) {
    if (auto found = by_check.find({it->definition.user, it->definition.name}); found != by_check.end()) {
      it->last_run = std::move(found->second);
    }
  }
}

void CheckRunner::run(std::string_view user, std::string_view name, std::string trigger,
                      std::function<void(RunResult)> done) noexcept {
  try {
    // A schedule runs the checks of its own host group; another group's scheduler runs theirs.
    if (requests_ && trigger != "schedule" && !find(user, name)) {
      return forward(user, name, std::move(trigger), std::move(done));
    }
  } catch (const std::exception& e) {
    return done(RunResult::refused(RunRefusal::Kind::failed, e.what()));
  }
  run_here(user, name, std::move(trigger), std::move(done));
}

void CheckRunner::forward(std::string_view user, std::string_view name, std::string trigger,
                          std::function<void(RunResult)> done) {
  using Kind = RunRefusal::Kind;
  auto offers = catalogue_->offers(user, name);
  if (!offers) {
    return done(RunResult::refused(Kind::unavailable, std::string(name) + " of " + std::string(user) +
                                                          " is not here" + where_ + ": " + offers.error()));
  }
  if (offers.value().empty()) {
    return done(RunResult::refused(Kind::no_such_check, "no check named \"" + std::string(name) + "\" for " +
                                                            std::string(user) + " in any host group"));
  }
  requests_->ask(offers.value(), std::move(trigger), std::move(done));
}

void CheckRunner::run_here(std::string_view user, std::string_view name, std::string trigger,
                           std::function<void(RunResult)> done) noexcept {
  using Kind = RunRefusal::Kind;
  try {
    auto found = find(user, name);
    if (!found) {
      done(RunResult::refused(Kind::no_such_check,
                              "no check named \"" + std::string(name) + "\" for " + std::string(user) + where_));
      return;
    }
    auto job = std::make_shared<Job>();
    job->definition = std::move(found->first);
    job->provider = found->second;
    job->record.check = std::string(name);
    job->record.user = std::string(user);
    job->record.trigger = std::move(trigger);
    job->done = std::move(done);
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        job->done(RunResult::refused(Kind::stopping, "notifyd is stopping"));
        return;
      }
      auto& state = states_[{job->record.user, job->record.check}];
      if (!state.running) {
        state.running = true;
        queue_.push_back(job);
        job.reset();
      }
    }
    if (job) {
      auto id = store_.next_run_id();
      if (!id) return job->done(RunResult::refused(Kind::unavailable, "cannot record the skipped run: " + id.error()));
      job->record.id = id.value();
      return record_skipped(job, "the previous run is still going");
    }
    start_queued();
  } catch (const std::exception& e) {
    done(RunResult::refused(Kind::failed, e.what()));
  }
}

void CheckRunner::start_queued() {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::lock_guard lock(mutex_);
      if (queue_.empty() || active_ >= settings_.max_concurrent) return;
      job = queue_.front();
      queue_.pop_front();
      ++active_;
    }
    auto id = store_.next_run_id();
    if (!id) {
      {
        std::lock_guard lock(mutex_);
        states_[{job->record.user, job->record.check}].running = false;
        --active_;
      }
      log_.error("check ", job->record.check, " of ", job->record.user, " not run: ", id.error());
      job->done(RunResult::refused(RunRefusal::Kind::unavailable, "not run: " + id.error()));
      continue;
    }
    job->record.id = id.value();
    auto holder = leases_.take(job->record.user, job->record.check, job->record.id);
    if (holder && holder.value()) {
      {
        std::lock_guard lock(mutex_);
        states_[{job->record.user, job->record.check}].running = false;
        --active_;
      }
      record_skipped(job, "the previous run is still going on " + *holder.value());
      continue;
    }
    if (holder) {
      job->lease_held = true;
      job->renewal = std::make_unique<boost::asio::steady_timer>(executor_);
      renew_lease(job);
    } else {
      // Never two runs in this process still holds; another replica may run the check at once.
      log_.warn("check ", job->record.check, " of ", job->record.user, " runs without its run lease: ", holder.error());
    }
    runs_started_.inc();
    job->record.started_at_ms = sdk::now_epoch_ms();
    job->provider->execute(job->definition, job->record.id, [this, job](sdk::CheckExecution execution) {
      on_executed(job, std::move(execution));
    });
  }
}

void CheckRunner::record_skipped(std::shared_ptr<Job> job, std::string detail) {
  job->record.started_at_ms = sdk::now_epoch_ms();
  job->record.outcome = "skipped";
  job->record.detail = std::move(detail);
  store_.insert_run(job->record, settings_.runs_per_check, executor_, [job](sdk::Status status) {
    if (!status) return job->done(RunResult::refused(RunRefusal::Kind::unavailable, status.message));
    job->done(job->record);
  });
}

void CheckRunner::renew_lease(std::shared_ptr<Job> job) {
  job->renewal->expires_after(leases_.renew_every());
  job->renewal->async_wait([this, job](boost::system::error_code ec) {
    if (ec) return;
    {
      std::lock_guard lock(job->lease_mutex);
      if (!job->lease_held) return;
      if (auto renewed = leases_.renew(job->record.user, job->record.check, job->record.id); !renewed) {
        log_.warn("cannot renew the run lease of ", job->record.check, " of ", job->record.user, ": ", renewed.message);
      }
    }
    renew_lease(job);
  });
}

void CheckRunner::release_lease(Job& job) {
  std::lock_guard lock(job.lease_mutex);
  if (!job.lease_held) return;
  job.lease_held = false;
  job.renewal->cancel();
  if (auto released = leases_.release(job.record.user, job.record.check, job.record.id); !released) {
    log_.warn("cannot give back the run lease of ", job.record.check, " of ", job.record.user, ": ", released.message,
              "; it expires by itself");
  }
}

void CheckRunner::on_executed(std::shared_ptr<Job> job, sdk::CheckExecution execution) {
  try {
    job->record.duration_ms = sdk::now_epoch_ms() - job->record.started_at_ms;
    job->record.stderr_tail = std::move(execution.stderr_tail);
    interpret(job, std::move(execution));
  } catch (const std::exception& e) {
    job->record.outcome = "failed";
    job->record.detail = e.what();
    finish(job);
  }
}

void CheckRunner::interpret(std::shared_ptr<Job> job, sdk::CheckExecution execution) {
  using Status = sdk::CheckExecution::Status;
  auto& record = job->record;
  switch (execution.status) {
    case Status::refused:
      record.outcome = "refused";
      record.detail = execution.error;
      return finish(job);
    case Status::failed_to_start:
      record.outcome = "failed";
      record.detail = "could not start: " + execution.error;
      return finish(job);
    case Status::timed_out:
      record.outcome = "timeout";
      record.detail = execution.error.empty()
                          ? "killed after " + sdk::format_duration(job->definition.timeout)
                          : execution.error;
      return finish(job);
    case Status::exited:
      break;
  }
  record.exit_code = execution.exit_code;
  if (execution.exit_code != 0) {
    record.outcome = "failed";
    record.detail = execution.error.empty() ? "exited with status " + std::to_string(execution.exit_code)
                                            : execution.error;
    return finish(job);
  }
  auto read = execution.result ? sdk::Result<sdk::CheckOutput>(sdk::CheckOutput{*execution.result, {}})
                               : sdk::read_check_output(execution.output);
  if (!read) {
    record.outcome = "bad_output";
    record.detail = read.error();
    if (execution.output_truncated) record.detail += " (stdout was cut at the output limit)";
    return finish(job);
  }
  job->warnings = std::move(read->warnings);
  const sdk::CheckResult& result = read->result;
  if (!result.notify) {
    record.outcome = "quiet";
    return finish(job);
  }
  auto last_sent = ledger_.current(record.user, record.check);
  if (auto stored = store_.last_created_ms(record.user, record.check); !stored) {
    log_.warn("cannot read when ", record.check, " of ", record.user, " last notified: ", stored.error(),
              "; going by its cooldown document");
  } else {
    last_sent = std::max(last_sent, stored.value() / 1000);
  }
  const auto now_seconds = sdk::now_epoch_ms() / 1000;
  if (last_sent > 0 && now_seconds < last_sent + result.cooldown.count()) {
    record.outcome = "cooldown";
    record.detail = "suppressed: sent " + sdk::format_duration(std::chrono::seconds(now_seconds - last_sent)) +
                    " ago, cooldown " + sdk::format_duration(result.cooldown);
    return finish(job);
  }
  publish_result(job, result);
}

void CheckRunner::publish_result(std::shared_ptr<Job> job, const sdk::CheckResult& result) {
  sdk::PublishRequest request;
  auto& n = request.notification;
  n.user = job->record.user;
  n.title = result.title;
  n.message = result.message;
  n.format = sdk::TextFormat::markdown;
  n.source = job->record.check;
  n.data_json = result.data_json;
  n.priority = result.priority;
  n.tags = result.tags;
  if (!result.image_path.empty()) {
    auto image = read_check_image(result.image_path, job->record.user, settings_.image_max_bytes);
    if (image) {
      request.image = std::move(image.value());
    } else {
      // The old runner sent the text alone when the image was missing.
      job->warnings.push_back(image.error() + "; the image is left out");
    }
  }
  if (n.title.empty() && n.message.empty() && !request.image) {
    job->record.outcome = "quiet";
    job->warnings.push_back("nothing to send: no `message`, no `title` and no readable image");
    return finish(job);
  }
  send_result(job, std::move(request));
}

void CheckRunner::send_result(std::shared_ptr<Job> job, sdk::PublishRequest request) {
  auto kept = std::make_shared<sdk::PublishRequest>(request);
  notifications_.publish(std::move(request), [this, job, kept](sdk::PublishOutcome outcome) {
    using Code = sdk::PublishOutcome::Code;
    if (outcome.code == Code::unavailable && wait_for_store(job, outcome.message)) {
      auto timer = std::make_shared<boost::asio::steady_timer>(executor_, result_retry_every);
      {
        std::lock_guard lock(mutex_);
        result_retries_.insert(timer);
      }
      timer->async_wait([this, job, kept, timer](boost::system::error_code ec) {
        {
          std::lock_guard lock(mutex_);
          result_retries_.erase(timer);
        }
        if (ec) {
          job->record.outcome = "failed";
          job->record.detail = "not sent: notifyd stopped while the notification store was unavailable";
          return finish(job);
        }
        send_result(job, std::move(*kept));
      });
      return;
    }
    if (job->waiting_since_ms > 0) {
      std::lock_guard lock(mutex_);
      --waiting_results_;
    }
    if (outcome.code == Code::accepted) {
      ledger_.record(job->record.user, job->record.check, sdk::now_epoch_ms() / 1000);
      job->record.outcome = "notified";
      job->record.notification_id = outcome.id;
      std::string channels;
      for (const auto& channel : outcome.channels) channels += (channels.empty() ? "" : ", ") + channel;
      // Accepted is not delivered: each channel's delivery may still be pending (history shows it).
      job->record.detail = "notification " + std::to_string(outcome.id) + " queued for " + channels;
      if (job->waiting_since_ms > 0) {
        job->record.detail += " after waiting " +
                              sdk::format_duration(std::chrono::milliseconds(sdk::now_epoch_ms() - job->waiting_since_ms)) +
                              " for the notification store";
      }
    } else {
      job->record.outcome = "failed";
      job->record.detail = "not sent: " + outcome.message;
    }
    finish(job);
  });
}

bool CheckRunner::wait_for_store(const std::shared_ptr<Job>& job, const std::string& why) {
  std::size_t waiting = 0;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    if (job->waiting_since_ms == 0) {
      if (waiting_results_ >= max_waiting_results) return false;
      ++waiting_results_;
      job->waiting_since_ms = sdk::now_epoch_ms();
      waiting = waiting_results_;
      --active_;  // a waiting result does not hold back the next runs
    }
  }
  if (waiting > 0) {
    boost::asio::post(executor_, [this] { start_queued(); });
    log_.warn("check ", job->record.check, " of ", job->record.user, ": ", why, "; its result waits (",
              sdk::counted(waiting, "result", "results"), " waiting)");
  }
  return true;
}

void CheckRunner::finish(std::shared_ptr<Job> job) {
  job->record.detail = with_warnings(std::move(job->record.detail), job->warnings);
  if (is_failure(job->record.outcome)) {
    log_.warn("check ", job->record.check, " of ", job->record.user, ": ", job->record.outcome, ": ",
              job->record.detail);
  }
  metrics_.counter("check_runs_total", "Finished check runs by outcome", {{"outcome", job->record.outcome}}).inc();
  metrics_
      .histogram("check_run_duration_seconds", "How long check runs take",
                 {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300})
      .observe(static_cast<double>(job->record.duration_ms) / 1000.0);
  store_.insert_run(job->record, settings_.runs_per_check, executor_, [this, job](sdk::Status status) {
    release_lease(*job);
    {
      std::lock_guard lock(mutex_);
      auto& state = states_[{job->record.user, job->record.check}];
      state.running = false;
      state.last_run = job->record;
      if (job->waiting_since_ms == 0) --active_;
    }
    if (!status) log_.error("cannot record run ", job->record.id, ": ", status.message);
    track_failures(job->record);
    job->done(job->record);
    start_queued();
  });
}

void CheckRunner::track_failures(const sdk::RunRecord& record) {
  if (settings_.failure_alert_after == 0) return;
  std::uint32_t failures = 0;
  bool recovered = false;
  {
    std::lock_guard lock(mutex_);
    auto& state = states_[{record.user, record.check}];
    if (is_failure(record.outcome)) {
      failures = ++state.failures_in_a_row;
    } else {
      recovered = state.failures_in_a_row >= settings_.failure_alert_after;
      state.failures_in_a_row = 0;
    }
  }
  if (failures == settings_.failure_alert_after) {
    alert_owner(record.user, record.check, "Check " + record.check + " is failing",
                record.check + " failed " + sdk::counted(failures, "run", "runs") + " in a row. Last run: " + record.outcome +
                    ": " + record.detail);
  } else if (recovered) {
    alert_owner(record.user, record.check, "Check " + record.check + " recovered",
                record.check + " ran successfully again (" + record.outcome + ").");
  }
}

void CheckRunner::alert_owner(const std::string& user, const std::string& check, std::string title,
                              std::string message) {
  sdk::PublishRequest request;
  request.notification.user = user;
  request.notification.title = std::move(title);
  request.notification.message = std::move(message);
  request.notification.format = sdk::TextFormat::plain;
  request.notification.source = "notifyd";
  notifications_.publish(std::move(request), [this, user, check](sdk::PublishOutcome outcome) {
    if (outcome.code != sdk::PublishOutcome::Code::accepted) {
      log_.warn("cannot tell ", user, " about check ", check, ": ", outcome.message);
    }
  });
}

sdk::Result<std::vector<sdk::RunRecord>> CheckRunner::runs(std::string_view user, std::string_view name,
                                                           std::uint32_t limit) const noexcept {
  return store_.runs(user, name, limit);
}

void CheckRunner::set_next_run(std::string_view user, std::string_view name, std::int64_t at_ms) noexcept {
  try {
    std::lock_guard lock(mutex_);
    states_[{std::string(user), std::string(name)}].next_run_ms = at_ms;
  } catch (...) {
  }
}

}  // namespace notifyd::core
