#include "http_server_state.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <boost/beast/core/string.hpp>

namespace notifyd::sdk::http::detail {

bool header_is_safe(std::string_view name, std::string_view value) noexcept {
  if (name.empty()) return false;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == ':') return false;
  }
  return std::none_of(value.begin(), value.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

bool header_is_framing(std::string_view name) noexcept {
  namespace beast = boost::beast;
  return beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
         beast::iequals(name, "connection") || beast::iequals(name, "content-type");
}

bool ConnectionRegistry::add(const std::shared_ptr<Connection>& connection, std::optional<uid_t> uid) {
  std::lock_guard lock(mutex_);
  if (closing_) return false;
  connections_.emplace(connection.get(), Entry{connection, uid});
  if (uid) ++per_uid_[*uid];
  gauge_.set(static_cast<std::int64_t>(connections_.size()));
  return true;
}

void ConnectionRegistry::remove(const Connection* connection) noexcept {
  std::function<void()> done;
  {
    std::lock_guard lock(mutex_);
    const auto found = connections_.find(connection);
    if (found == connections_.end()) return;
    if (const auto uid = found->second.uid) {
      if (const auto count = per_uid_.find(*uid); count != per_uid_.end() && --count->second == 0) per_uid_.erase(count);
    }
    connections_.erase(found);
    gauge_.set(static_cast<std::int64_t>(connections_.size()));
    if (closing_ && connections_.empty()) done = std::move(done_);
  }
  if (done) done();
}

OpenConnections ConnectionRegistry::open(std::optional<uid_t> uid) const noexcept {
  std::lock_guard lock(mutex_);
  OpenConnections open{connections_.size(), 0};
  if (uid) {
    if (const auto count = per_uid_.find(*uid); count != per_uid_.end()) open.of_peer_uid = count->second;
  }
  return open;
}

void ConnectionRegistry::close_all(std::function<void()> done) {
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    for (const auto& [key, entry] : connections_) {
      if (auto connection = entry.connection.lock()) open.push_back(std::move(connection));
    }
    if (!connections_.empty()) done_ = std::move(done);
  }
  if (done) {
    done();  // nothing was open
    return;
  }
  for (const auto& connection : open) connection->close();
}

ServerState::ServerState(Host& host_in, ServerSettings settings_in, ServerOptions options_in)
    : host(host_in),
      settings(std::move(settings_in)),
      options(std::move(options_in)),
      connections(host_in.metrics().gauge(options.metrics_prefix + "_connections",
                                          "Connections open on " + options.description,
                                          {{"instance", host_in.instance_name()}})),
      requests(host_in.metrics().counter(options.metrics_prefix + "_requests_total",
                                         "Requests answered by " + options.description,
                                         {{"instance", host_in.instance_name()}})) {}

void ServerState::count_response(unsigned status) noexcept {
  requests.inc();
  if (status < 400) return;
  try {
    host.metrics()
        .counter(options.metrics_prefix + "_errors_total", "Requests on " + options.description + " answered with an error status",
                 {{"instance", host.instance_name()}, {"status", std::to_string(status)}})
        .inc();
  } catch (...) {
  }
}

}  // namespace notifyd::sdk::http::detail
