#include "schedule_book.hpp"

#include <algorithm>
#include <set>

namespace notifyd::cron {
namespace {

std::int64_t seconds_of(std::int64_t ms) { return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000); }

}  // namespace

ScheduleBook::ScheduleBook(std::string default_schedule, ZoneHandle default_zone,
                           std::function<std::int64_t()> jitter_ms)
    : default_schedule_(std::move(default_schedule)),
      default_zone_(std::move(default_zone)),
      jitter_ms_(std::move(jitter_ms)) {}

void ScheduleBook::restore(LastFires fires) { last_fires_ = std::move(fires); }

sdk::Result<ZoneHandle> ScheduleBook::zone_named(std::string_view name) {
  auto found = zones_.find(name);
  if (found == zones_.end()) found = zones_.emplace(std::string(name), load_time_zone(name)).first;
  return found->second;
}

void ScheduleBook::plan(Entry& entry, std::optional<std::int64_t> slot) {
  entry.slot = slot;
  entry.due_ms = slot ? *slot * 1000 + std::max<std::int64_t>(0, jitter_ms_ ? jitter_ms_() : 0) : 0;
}

void ScheduleBook::compile(const CheckKey& key, Entry& entry, std::int64_t now, bool first_sight,
                           SyncReport& report) {
  auto schedule = make_cron_schedule(entry.schedule_text, default_zone_,
                                     [this](std::string_view name) { return zone_named(name); });
  entry.catch_up = false;
  if (!schedule) {
    entry.schedule.reset();
    entry.slot.reset();
    report.invalid.emplace_back(key, schedule.error());
    report.next_runs.push_back({key, 0});
    return;
  }
  entry.schedule = std::move(schedule.value());
  const auto last = last_fires_.find(key);
  if (first_sight && last != last_fires_.end()) {
    const auto missed = entry.schedule->next_after(last->second);
    if (missed && *missed <= now) {
      entry.catch_up = true;
      entry.missed_slot = *missed;
      plan(entry, now);
      report.next_runs.push_back({key, entry.due_ms});
      return;
    }
    plan(entry, missed);
  } else {
    plan(entry, entry.schedule->next_after(now));
  }
  report.next_runs.push_back({key, entry.slot ? entry.due_ms : 0});
}

SyncReport ScheduleBook::sync(const std::vector<ListedCheck>& checks, std::int64_t now_ms) {
  const std::int64_t now = seconds_of(now_ms);
  SyncReport report;
  std::set<CheckKey> listed;
  for (const auto& check : checks) {
    if (!listed.insert(check.key).second) continue;
    const std::string& text = check.schedule.empty() ? default_schedule_ : check.schedule;
    auto found = entries_.find(check.key);
    if (found == entries_.end()) {
      Entry& entry = entries_[check.key];
      entry.schedule_text = text;
      report.added.push_back(check.key);
      listed_once_.insert(check.key);
      compile(check.key, entry, now, true, report);
    } else if (found->second.schedule_text != text) {
      found->second.schedule_text = text;
      compile(check.key, found->second, now, false, report);
    }
  }
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (listed.count(it->first) != 0) {
      ++it;
      continue;
    }
    report.removed.push_back(it->first);
    it = entries_.erase(it);
  }
  for (auto it = last_fires_.begin(); it != last_fires_.end();) {
    const bool forgotten = listed.count(it->first) == 0 && it->second < now - forget_after_seconds;
    if (forgotten && listed_once_.count(it->first) != 0) report.forgotten.push_back(it->first);
    it = forgotten ? last_fires_.erase(it) : std::next(it);
  }
  return report;
}

std::optional<std::int64_t> ScheduleBook::earliest_due_ms() const {
  std::optional<std::int64_t> earliest;
  for (const auto& [key, entry] : entries_) {
    if (!entry.slot) continue;
    if (!earliest || entry.due_ms < *earliest) earliest = entry.due_ms;
  }
  return earliest;
}

DueReport ScheduleBook::take_due(std::int64_t now_ms) {
  const std::int64_t now = seconds_of(now_ms);
  DueReport report;
  for (auto& [key, entry] : entries_) {
    if (!entry.slot || entry.due_ms > now_ms) continue;
    const std::int64_t slot = *entry.slot;
    const auto& expression = entry.schedule->expression();
    const std::int64_t claim_slot = entry.catch_up          ? entry.missed_slot
                                    : expression.is_interval() ? slot - slot % expression.every.count()
                                                               : slot;
    report.runs.push_back({key, slot, entry.catch_up, entry.catch_up ? entry.missed_slot : 0, claim_slot});
    last_fires_[key] = slot;
    entry.catch_up = false;
    auto next = entry.schedule->next_after(slot);
    if (next && *next <= now) next = entry.schedule->next_after(now);
    plan(entry, next);
    report.next_runs.push_back({key, entry.slot ? entry.due_ms : 0});
  }
  return report;
}

std::vector<NextRun> ScheduleBook::clock_set_back(std::int64_t now_ms) {
  const std::int64_t now = seconds_of(now_ms);
  std::vector<NextRun> changed;
  for (auto& [key, entry] : entries_) {
    if (!entry.schedule || !entry.slot || entry.catch_up) continue;
    if (entry.schedule->expression().fixed_time && !entry.schedule->expression().is_interval()) continue;
    const auto next = entry.schedule->next_after(now);
    if (!next || *next >= *entry.slot) continue;
    plan(entry, next);
    changed.push_back({key, entry.due_ms});
  }
  return changed;
}

std::optional<std::int64_t> ScheduleBook::next_slot(const CheckKey& key) const {
  const auto found = entries_.find(key);
  if (found == entries_.end()) return std::nullopt;
  return found->second.slot;
}

}  // namespace notifyd::cron
