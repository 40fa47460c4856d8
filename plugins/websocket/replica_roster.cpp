#include "replica_roster.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <unordered_set>

namespace notifyd::websocket {
namespace {

// A key's value: `<replica>\t<connections>\t<users>\t<digest of the users' names>`
// (a replica of an older version writes no digest).
struct Entry {
  std::string_view replica;
  ReplicaRoster::Figures figures;
  std::string_view digest;
};

std::optional<Entry> parse_entry(std::string_view value) {
  const auto first = value.find('\t');
  const auto second = first == std::string_view::npos ? first : value.find('\t', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const auto third = value.find('\t', second + 1);
  const auto digest = third == std::string_view::npos ? std::string_view{} : value.substr(third + 1);
  Entry entry{value.substr(0, first), {}, digest};
  const auto number = [](std::string_view text, std::size_t& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
  };
  if (!number(value.substr(first + 1, second - first - 1), entry.figures.connections) ||
      !number(value.substr(second + 1, third == std::string_view::npos ? third : third - second - 1),
              entry.figures.users)) {
    return std::nullopt;
  }
  return entry;
}

// A users key's value: the digest, then one name a line.
std::string users_value(const std::string& digest, const std::vector<std::string>& users) {
  std::string value = digest;
  for (const auto& user : users) value += "\n" + user;
  return value;
}

}  // namespace

ReplicaRoster::ReplicaRoster(sdk::Ephemeral& keys, std::string instance, std::string replica,
                             std::chrono::milliseconds ttl)
    : keys_(keys),
      instance_(std::move(instance)),
      replica_(std::move(replica)),
      ttl_(ttl),
      users_ttl_(std::max<std::chrono::milliseconds>(20 * ttl, std::chrono::minutes(1))),
      digest_(digest({})) {}

std::string ReplicaRoster::key(std::size_t n) const { return instance_ + "/replicas/" + std::to_string(n); }

std::string ReplicaRoster::users_key(const std::string& replica) const {
  return instance_ + "/replica-users/" + replica;
}

std::string ReplicaRoster::digest(const std::vector<std::string>& users) {
  // FNV-1a over the names, each ended by a newline (which no user name holds).
  std::uint64_t hash = 14695981039346656037ull;
  const auto add = [&](char c) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  };
  for (const auto& user : users) {
    for (char c : user) add(c);
    add('\n');
  }
  char text[32];
  std::snprintf(text, sizeof text, "%zu-%016llx", users.size(), static_cast<unsigned long long>(hash));
  return text;
}

std::string ReplicaRoster::value(std::size_t connections, std::size_t users) const {
  return replica_ + "\t" + std::to_string(connections) + "\t" + std::to_string(users) + "\t" + digest_;
}

sdk::Status ReplicaRoster::publish_users() {
  const auto now = std::chrono::steady_clock::now();
  if (users_written_ == digest_ && now - users_written_at_ < users_ttl_ / 3) return sdk::Status::success();
  if (auto put = keys_.put(users_key(replica_), users_value(digest_, users_), users_ttl_); !put) return put;
  users_written_ = digest_;
  users_written_at_ = now;
  return sdk::Status::success();
}

sdk::Status ReplicaRoster::publish(std::size_t connections, std::vector<std::string> users) {
  std::sort(users.begin(), users.end());
  users_ = std::move(users);
  digest_ = digest(users_);
  // The names first: a replica that reads the new digest finds them.
  if (auto written = publish_users(); !written) return written;
  const std::string mine = value(connections, users_.size());
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

sdk::Result<const std::vector<std::string>*> ReplicaRoster::users_of(const std::string& replica,
                                                                     const std::string& digest) {
  using R = sdk::Result<const std::vector<std::string>*>;
  if (auto known = others_.find(replica); known != others_.end() && known->second.digest == digest) {
    return &known->second.users;
  }
  auto current = keys_.get(users_key(replica));
  if (!current) return R::failure(current.error());
  if (!current.value()) return static_cast<const std::vector<std::string>*>(nullptr);
  std::string_view rest = *current.value();
  KnownUsers known;
  const auto line_end = rest.find('\n');
  known.digest = std::string(rest.substr(0, line_end));
  rest = line_end == std::string_view::npos ? std::string_view{} : rest.substr(line_end + 1);
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    known.users.emplace_back(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  }
  // Kept under the digest it was written with: a key older than the roster's digest is read again next time.
  auto& kept = others_[replica] = std::move(known);
  return &kept.users;
}

sdk::Result<ReplicaRoster::View> ReplicaRoster::read() {
  View view;
  std::unordered_set<std::string> users;
  std::size_t uncounted_users = 0;  // of replicas whose names are not to be had
  for (std::size_t n = 0; n < max_replicas; ++n) {
    auto current = keys_.get(key(n));
    if (!current) return sdk::Result<View>::failure(current.error());
    if (!current.value()) continue;
    const auto entry = parse_entry(*current.value());
    if (!entry) continue;
    ++view.replicas;
    const std::string replica(entry->replica);
    view.names.emplace(replica);
    view.total.connections += entry->figures.connections;
    if (replica == replica_) {
      users.insert(users_.begin(), users_.end());
      continue;
    }
    view.others = true;
    if (entry->digest.empty()) {
      uncounted_users += entry->figures.users;
      continue;
    }
    auto names = users_of(replica, std::string(entry->digest));
    if (!names) return sdk::Result<View>::failure(names.error());
    if (!names.value()) {
      uncounted_users += entry->figures.users;
      continue;
    }
    users.insert(names.value()->begin(), names.value()->end());
  }
  std::erase_if(others_, [&](const auto& known) { return !view.names.contains(known.first); });
  view.total.users = users.size() + uncounted_users;
  return view;
}

void ReplicaRoster::leave() {
  if (!users_written_.empty()) (void)keys_.remove(users_key(replica_));
  users_written_.clear();
  if (!held_) return;
  (void)keys_.remove(key(*held_));
  held_.reset();
}

}  // namespace notifyd::websocket
