#include "pg_replica_roster.hpp"

#include <algorithm>
#include <charconv>

#include <boost/asio/post.hpp>

#include "notifyd/sdk/api/history_codecs.hpp"
#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::core {
namespace {

constexpr std::string_view announce_sql =
    "INSERT INTO ephemeral(key, value, expires_at) "
    "VALUES ($1, convert_to($2, 'UTF8'), clock_timestamp() + $3::bigint * interval '1 millisecond') "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at";
// The live announcements and the held leases, as rows of (kind, name, value or holder, epoch, expiry in epoch ms).
constexpr std::string_view read_sql =
    "SELECT 'replica', key, convert_from(value, 'UTF8'), NULL, NULL FROM ephemeral "
    "WHERE key LIKE $1 AND expires_at > clock_timestamp() "
    "UNION ALL SELECT 'lease', name, holder, epoch::text, (extract(epoch FROM expires_at) * 1000)::bigint::text "
    "FROM leases WHERE expires_at > clock_timestamp()";
constexpr std::string_view withdraw_sql = "DELETE FROM ephemeral WHERE key = $1";

}  // namespace

std::shared_ptr<PgReplicaRoster> PgReplicaRoster::create(std::shared_ptr<ReconnectingPgConnection> link,
                                                         sdk::ReplicaView self, std::chrono::milliseconds ttl,
                                                         sdk::Gauge* replicas) {
  return std::shared_ptr<PgReplicaRoster>(new PgReplicaRoster(std::move(link), std::move(self), ttl, replicas));
}

PgReplicaRoster::PgReplicaRoster(std::shared_ptr<ReconnectingPgConnection> link, sdk::ReplicaView self,
                                 std::chrono::milliseconds ttl, sdk::Gauge* replicas)
    : link_(std::move(link)),
      self_(std::move(self)),
      key_(std::string(key_prefix) + self_.name),
      ttl_(ttl),
      replicas_(replicas),
      next_(link_->strand()) {}

void PgReplicaRoster::start() {
  // The link holds its callbacks until it stops; they hold this weakly.
  link_->on_connected([weak = weak_from_this()] {
    if (auto self = weak.lock()) self->announce();
  });
}

void PgReplicaRoster::withdraw() {
  boost::asio::post(link_->strand(), [self = shared_from_this()] {
    if (self->stopped_) return;
    self->stopped_ = true;
    self->next_.cancel();
    self->link_->execute(std::string(withdraw_sql), {self->key_}, self->ttl_, [](std::optional<PgError>, PgRows) {});
  });
}

void PgReplicaRoster::stop() {
  boost::asio::post(link_->strand(), [self = shared_from_this()] {
    self->stopped_ = true;
    self->next_.cancel();
  });
}

PgReplicaRoster::Reading PgReplicaRoster::reading() const {
  std::lock_guard lock(mutex_);
  return reading_;
}

void PgReplicaRoster::announce() {
  if (stopped_) return;
  next_.cancel();
  sdk::ReplicaView announced = self_;
  announced.self = false;
  link_->execute(std::string(announce_sql), {key_, sdk::api::to_json(announced), std::to_string(ttl_.count())}, ttl_,
                 [](std::optional<PgError>, PgRows) {});
  read();
  renew_later();
}

void PgReplicaRoster::read() {
  link_->execute(std::string(read_sql), {std::string(key_prefix) + "%"}, ttl_,
                 [weak = weak_from_this()](std::optional<PgError> error, PgRows rows) {
                   auto self = weak.lock();
                   if (self && !error) self->read_answer(std::move(rows));
                 });
}

void PgReplicaRoster::read_answer(PgRows rows) {
  Reading fresh;
  fresh.as_of_ms = sdk::now_epoch_ms();
  for (auto& row : rows.rows) {
    if (row.size() < 5 || !row[0] || !row[1] || !row[2]) continue;
    if (*row[0] == "replica") {
      // An announcement that does not decode (a newer notifyd's) still names a live replica.
      auto decoded = sdk::api::from_json<sdk::ReplicaView>(*row[2]);
      sdk::ReplicaView replica = decoded ? std::move(decoded).value() : sdk::ReplicaView{};
      replica.name = row[1]->substr(key_prefix.size());
      replica.self = replica.name == self_.name;
      fresh.replicas.push_back(std::move(replica));
    } else {
      sdk::LeaseView lease{std::move(*row[1]), std::move(*row[2]), 0, 0};
      const std::string epoch = row[3].value_or("0");
      const std::string expires_at = row[4].value_or("0");
      std::from_chars(epoch.data(), epoch.data() + epoch.size(), lease.epoch);
      std::from_chars(expires_at.data(), expires_at.data() + expires_at.size(), lease.expires_at_ms);
      fresh.leases.push_back(std::move(lease));
    }
  }
  std::ranges::sort(fresh.replicas, {}, &sdk::ReplicaView::name);
  std::ranges::sort(fresh.leases, {}, &sdk::LeaseView::name);
  if (replicas_) replicas_->set(static_cast<std::int64_t>(fresh.replicas.size()));
  std::lock_guard lock(mutex_);
  reading_ = std::move(fresh);
}

void PgReplicaRoster::renew_later() {
  next_.expires_after(std::max<std::chrono::milliseconds>(ttl_ / 3, std::chrono::milliseconds(1)));
  next_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!ec && self) self->announce();
  });
}

}  // namespace notifyd::core
