#include "replica_roster.hpp"

#include <charconv>

namespace notifyd::websocket {
namespace {

// A key's value: `<replica>\t<connections>\t<users>`.
struct Entry {
  std::string_view replica;
  ReplicaRoster::Figures figures;
};

std::optional<Entry> parse_entry(std::string_view value) {
  const auto first = value.find('\t');
  const auto second = first == std::string_view::npos ? first : value.find('\t', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  Entry entry{value.substr(0, first), {}};
  const auto number = [](std::string_view text, std::size_t& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
  };
  if (!number(value.substr(first + 1, second - first - 1), entry.figures.connections) ||
      !number(value.substr(second + 1), entry.figures.users)) {
    return std::nullopt;
  }
  return entry;
}

}  // namespace

ReplicaRoster::ReplicaRoster(sdk::Ephemeral& keys, std::string instance, std::string replica,
                             std::chrono::milliseconds ttl)
    : keys_(keys), instance_(std::move(instance)), replica_(std::move(replica)), ttl_(ttl) {}

std::string ReplicaRoster::key(std::size_t n) const { return instance_ + "/replicas/" + std::to_string(n); }

std::string ReplicaRoster::value(Figures figures) const {
  return replica_ + "\t" + std::to_string(figures.connections) + "\t" + std::to_string(figures.users);
}

sdk::Status ReplicaRoster::publish(Figures figures) {
  const std::string mine = value(figures);
  if (held_) {
    auto current = keys_.get(key(*held_));
    if (!current) return sdk::Status::failure(current.error());
    const auto entry = current.value() ? parse_entry(*current.value()) : std::nullopt;
    if (!entry || entry->replica == replica_) return keys_.put(key(*held_), mine, ttl_);
    held_.reset();
  }
  for (std::size_t n = 0; n < max_replicas; ++n) {
    auto taken = keys_.put_if_absent(key(n), mine, ttl_);
    if (!taken) return sdk::Status::failure(taken.error());
    if (taken.value()) {
      held_ = n;
      return sdk::Status::success();
    }
  }
  return sdk::Status::failure("more than " + std::to_string(max_replicas) +
                              " replicas serve this channel: this one is not counted in the cluster's figures");
}

sdk::Result<ReplicaRoster::View> ReplicaRoster::read() const {
  View view;
  for (std::size_t n = 0; n < max_replicas; ++n) {
    auto current = keys_.get(key(n));
    if (!current) return sdk::Result<View>::failure(current.error());
    if (!current.value()) continue;
    const auto entry = parse_entry(*current.value());
    if (!entry) continue;
    ++view.replicas;
    view.names.emplace(entry->replica);
    view.total.connections += entry->figures.connections;
    view.total.users += entry->figures.users;
    if (entry->replica != replica_) view.others = true;
  }
  return view;
}

void ReplicaRoster::leave() {
  if (!held_) return;
  (void)keys_.remove(key(*held_));
  held_.reset();
}

}  // namespace notifyd::websocket
