#include "replica_sync.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <utility>

#include <boost/asio/post.hpp>

#include "notifyd/sdk/api/history_codecs.hpp"
#include "notifyd/sdk/bus_topics.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/thread_name.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "replay.hpp"
#include "server_message.hpp"
#include "server_state.hpp"

namespace notifyd::websocket {
namespace {

// Pages one tail call reads before it lets other work on the executor run.
constexpr int pages_per_turn = 20;
// The longest note of a doorbell (the Bus's limit).
constexpr std::size_t max_note_bytes = 1000;

}  // namespace

std::string ReplicaSync::pushed_topic(std::string_view instance) { return "desktop/" + std::string(instance) + "/pushed"; }

std::string ReplicaSync::wanted_topic(std::string_view instance) { return "desktop/" + std::string(instance) + "/wanted"; }

std::string ReplicaSync::roster_topic(std::string_view instance) {
  return "desktop/" + std::string(instance) + "/replicas";
}

ReplicaSync::ReplicaSync(std::shared_ptr<ServerState> state)
    : state_(std::move(state)),
      roster_(state_->host.coordination().ephemeral(), state_->host.instance_name(),
              state_->host.coordination().replica(), state_->host.coordination().lease_ttl()),
      poll_timer_(state_->host.executor()),
      gap_timer_(state_->host.executor()),
      announce_timer_(state_->host.executor()),
      roster_timer_(state_->host.executor()) {}

ReplicaSync::~ReplicaSync() {
  if (renewal_.joinable()) renewal_.join();
}

void ReplicaSync::start() {
  auto& host = state_->host;
  auto& bus = host.coordination().bus();
  const auto executor = host.executor();
  const std::weak_ptr<ReplicaSync> weak = weak_from_this();
  committed_ = bus.listen(std::string(sdk::notifications_committed_topic), executor, [weak](std::string note) {
    if (auto self = weak.lock(); self && !self->alone_ && !self->stopped_) self->heard_committed(note);
  });
  stored_ = bus.listen(std::string(sdk::notification_stored_topic), executor, [weak](std::string note) {
    if (auto self = weak.lock(); self && !self->alone_ && !self->stopped_) self->heard_stored(note);
  });
  pushed_ = bus.listen(pushed_topic(host.instance_name()), executor, [weak](std::string note) {
    if (const auto self = weak.lock(); self && !self->stopped_) self->heard_pushed(note);
  });
  wanted_ = bus.listen(wanted_topic(host.instance_name()), executor, [weak](std::string note) {
    if (const auto self = weak.lock(); self && !self->stopped_) self->heard_wanted(note);
  });
  joined_ = bus.listen(roster_topic(host.instance_name()), executor, [weak](std::string) {
    if (auto self = weak.lock()) self->refresh_roster();
  });
  ledger_ = host.documents().watch(state_->ledger_document(), executor, [weak](std::string) {
    const auto self = weak.lock();
    if (!self) return;
    auto& state = *self->state_;
    if (auto loaded = state.ledger.load(state.host.documents(), state.ledger_document(), sdk::now_epoch_ms() / 1000);
        !loaded) {
      state.host.log().warn("cannot reload the desktop users: ", loaded.message);
    }
  });
  refresh_roster();
  bus.ring(roster_topic(host.instance_name()));
  arm_poll();
  arm_roster();
}

void ReplicaSync::stop() {
  stopped_ = true;
  poll_timer_.cancel();
  gap_timer_.cancel();
  announce_timer_.cancel();
  roster_timer_.cancel();
  committed_.reset();
  stored_.reset();
  pushed_.reset();
  wanted_.reset();
  joined_.reset();
  ledger_.reset();
  roster_.leave();
  if (renewal_.joinable()) renewal_.join();
  state_->slots.release_all();
}

void ReplicaSync::renew_slots_in_background() {
  if (renewing_.exchange(true)) return;
  if (renewal_.joinable()) renewal_.join();
  renewal_ = std::thread([this] {
    sdk::name_this_thread("desktop-slots");
    const auto renewed = state_->slots.renew();
    {
      std::lock_guard lock(renewal_mutex_);
      renewal_problem_ = renewed ? "" : renewed.message;
    }
    renewing_ = false;
  });
}

void ReplicaSync::user_connected(std::string user) {
  boost::asio::post(state_->host.executor(), [weak = weak_from_this(), user = std::move(user)] {
    if (auto self = weak.lock()) self->catch_up(user);
  });
}

bool ReplicaSync::reached_elsewhere(std::uint64_t id, const std::string& user) {
  if (pushed_elsewhere_.contains(id)) return true;
  if (alone_) return false;
  to_ask_.emplace_back(id, user);
  if (!ask_posted_) {
    ask_posted_ = true;
    boost::asio::post(state_->host.executor(), [weak = weak_from_this()] {
      if (const auto self = weak.lock()) self->ask_wanted();
    });
  }
  const auto entry = state_->host.notifications().find(id);
  if (!entry) return false;
  const auto& deliveries = entry.value().deliveries;
  const auto& instance = state_->host.instance_name();
  return std::any_of(deliveries.begin(), deliveries.end(), [&](const sdk::DeliveryRecord& delivery) {
    return delivery.channel == instance && delivery.state == "delivered";
  });
}

void ReplicaSync::ask_wanted() {
  ask_posted_ = false;
  const auto asking = std::exchange(to_ask_, {});
  if (stopped_) return;
  auto& bus = state_->host.coordination().bus();
  for (const auto& note : RecentPushes::notes(asking, max_note_bytes)) {
    bus.ring(wanted_topic(state_->host.instance_name()), note);
  }
}

void ReplicaSync::heard_pushed(std::string_view note) {
  std::set<std::string> users;
  for (auto& [id, user] : RecentPushes::parse_note(note)) {
    pushed_elsewhere_.add(id, user);
    users.insert(std::move(user));
  }
  for (const auto& user : users) state_->host.recipient_reachable(user);
}

void ReplicaSync::heard_wanted(std::string_view note) {
  for (auto& [id, user] : RecentPushes::parse_note(note)) {
    if (pushed_here_.contains(id)) to_announce_.emplace_back(id, std::move(user));
  }
  announce_pushed();
}

ReplicaSync::Figures ReplicaSync::figures() const noexcept {
  return {replicas_.load(), connections_.load(), users_.load()};
}

void ReplicaSync::refresh_roster() {
  if (stopped_) return;
  auto& log = state_->host.log();
  // The newest id is read before the roster: a replica that joins after
  // this reading accepts only ids above it.
  const auto newest = newest_notification_id(state_->host.notifications());
  renew_slots_in_background();
  std::string renewal_problem;
  {
    std::lock_guard lock(renewal_mutex_);
    renewal_problem = renewal_problem_;
  }
  const auto published = roster_.publish(state_->registry.size(), state_->registry.user_names());
  auto view = roster_.read();
  std::string problem;
  if (!renewal_problem.empty()) problem = "cannot renew the connection slots: " + renewal_problem;
  else if (!published) problem = "cannot publish this replica's figures: " + published.message;
  else if (!view) problem = "cannot read the replicas of this channel: " + view.error();
  else if (!newest) problem = "cannot read the newest notification id: " + newest.error();
  if (problem != roster_problem_) {
    if (!problem.empty()) log.warn(problem);
    else log.info("the replicas of this channel are in view again");
    roster_problem_ = problem;
  }
  if (!view || !newest) {
    if (alone_) return;
    return request_tail();
  }
  state_->slots.set_live_replicas(view.value().names);
  replicas_ = view.value().replicas;
  connections_ = view.value().total.connections;
  users_ = view.value().total.users;
  if (view.value().others) {
    if (alone_) log.info("another replica serves this channel: following the shared history");
    alone_ = false;
    return request_tail();
  }
  if (!alone_) {
    tail();  // what the replicas that left accepted meanwhile
    log.info("no other replica serves this channel");
  }
  alone_ = true;
  heard_.clear();
  cursor_ = std::max(cursor_, newest.value());
}

void ReplicaSync::request_tail() {
  if (tail_requested_ || stopped_) return;
  tail_requested_ = true;
  boost::asio::post(state_->host.executor(), [weak = weak_from_this()] {
    const auto self = weak.lock();
    if (!self) return;
    self->tail_requested_ = false;
    if (!self->stopped_) self->tail();
  });
}

void ReplicaSync::tail() {
  const auto& registry = state_->registry;
  const auto wanted = [&registry](std::string_view user) { return registry.connected(user); };
  for (int pages = 0; pages < pages_per_turn; ++pages) {
    auto page = read_shared_log(state_->host.notifications(), state_->host.instance_name(), cursor_, wanted);
    if (!page) {
      if (!tail_failing_) state_->host.log().warn("cannot read the shared history after ", cursor_, ": ", page.error());
      tail_failing_ = true;
      break;
    }
    if (tail_failing_) state_->host.log().info("reading the shared history again after ", cursor_);
    tail_failing_ = false;
    cursor_ = page.value().cursor;
    push(std::move(page.value().notifications));
    if (!page.value().more) break;
    if (pages + 1 == pages_per_turn) request_tail();
  }
  announce_pushed();
  take_heard();
}

void ReplicaSync::heard_committed(std::string_view note) {
  std::uint64_t id = 0;
  const auto [end, ec] = std::from_chars(note.data(), note.data() + note.size(), id);
  if (ec != std::errc{} || end != note.data() + note.size()) return request_tail();
  highest_heard_ = std::max(highest_heard_, id);
  if (cursor_ < highest_heard_) arm_gap_timer();
}

void ReplicaSync::heard_stored(std::string_view note) {
  Heard heard;
  std::uint64_t id = 0;
  if (auto entry = sdk::api::from_json<sdk::HistoryEntry>(note)) {
    id = entry.value().notification.id;
    heard.complete = true;
    const auto& registry = state_->registry;
    heard.push = logged_notification(std::move(entry).value(), state_->host.instance_name(),
                                     [&registry](std::string_view user) { return registry.connected(user); });
  } else if (rapidjson::Document alone; sdk::parse_json(note, alone)) {
    id = static_cast<std::uint64_t>(std::max<std::int64_t>(0, sdk::json_int64(alone, "id").value_or(0)));
  }
  if (id <= cursor_) return;
  highest_heard_ = std::max(highest_heard_, id);
  if (heard_.size() < max_heard) heard_.emplace(id, std::move(heard));
  take_heard();
}

void ReplicaSync::take_heard() {
  std::vector<LoggedNotification> ready;
  while (!heard_.empty()) {
    auto first = heard_.begin();
    if (first->first > cursor_ + 1 || (first->first == cursor_ + 1 && !first->second.complete)) break;
    if (first->first == cursor_ + 1) {
      cursor_ = first->first;
      if (first->second.push) ready.push_back(std::move(*first->second.push));
    }
    heard_.erase(first);
  }
  push(std::move(ready));
  if (!to_announce_.empty() && !announce_timer_armed_) {
    // One announcement for the notes of `announce_wait`: a ring is a statement of its own.
    announce_timer_armed_ = true;
    announce_timer_.expires_after(announce_wait);
    announce_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
      const auto self = weak.lock();
      if (ec || !self) return;
      self->announce_timer_armed_ = false;
      if (!self->stopped_) self->announce_pushed();
    });
  }
  if (cursor_ < highest_heard_) arm_gap_timer();
}

void ReplicaSync::arm_gap_timer() {
  if (gap_timer_armed_ || stopped_) return;
  gap_timer_armed_ = true;
  gap_timer_.expires_after(gap_wait);
  gap_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    const auto self = weak.lock();
    if (ec || !self) return;
    self->gap_timer_armed_ = false;
    if (!self->stopped_ && !self->alone_ && self->cursor_ < self->highest_heard_) self->tail();
  });
}

void ReplicaSync::push(std::vector<LoggedNotification> notifications) {
  for (auto& logged : notifications) {
    const auto& n = logged.notification;
    auto frame = std::make_shared<const std::string>(notification_message(n, state_->settings.image_base_url));
    const auto fanned = state_->registry.fan_out(n.user, frame, n.id);
    if (fanned.handed == 0 || !logged.pending) continue;
    pushed_here_.add(n.id, n.user);
    to_announce_.emplace_back(n.id, n.user);
  }
}

void ReplicaSync::announce_pushed() {
  auto& bus = state_->host.coordination().bus();
  const std::string topic = pushed_topic(state_->host.instance_name());
  for (const auto& note : RecentPushes::notes(to_announce_, max_note_bytes)) bus.ring(topic, note);
  to_announce_.clear();
}

void ReplicaSync::catch_up(const std::string& user) {
  if (alone_ || stopped_ || !state_->registry.connected(user)) return;
  const auto& settings = state_->settings;
  auto recent = collect_replay(state_->host.notifications(), user, state_->host.instance_name(), 0,
                               settings.replay_limit, settings.replay_bytes);
  if (!recent) {
    state_->host.log().warn("cannot read ", user, "'s pending notifications: ", recent.error());
    return;
  }
  std::vector<LoggedNotification> pending;
  for (auto& n : recent.value().notifications) {
    if (recent.value().pending.contains(n.id)) pending.push_back({std::move(n), true});
  }
  push(std::move(pending));
  announce_pushed();
}

void ReplicaSync::arm_poll() {
  poll_timer_.expires_after(poll_interval);
  poll_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    const auto self = weak.lock();
    if (ec || !self || self->stopped_) return;
    if (!self->alone_) self->tail();
    self->arm_poll();
  });
}

void ReplicaSync::arm_roster() {
  roster_timer_.expires_after(state_->host.coordination().lease_ttl() / 3);
  roster_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    const auto self = weak.lock();
    if (ec || !self || self->stopped_) return;
    self->refresh_roster();
    self->arm_roster();
  });
}

}  // namespace notifyd::websocket
