#include "socket_frontend.hpp"

#include <string>
#include <utility>

#include "connection_share.hpp"
#include "notifyd/sdk/plugin_descriptor.hpp"
#include "socket_handler.hpp"
#include "socket_settings.hpp"

namespace notifyd::socket_api {

SocketFrontend::SocketFrontend(sdk::Host& host) : host_(host) {}

void SocketFrontend::describe(sdk::ConfigSchema& schema) { describe_socket_settings(schema); }

sdk::Status SocketFrontend::configure() {
  auto read = read_socket_settings(host_.config());
  if (!read) return sdk::Status::failure(read.error());
  SocketSettings settings = std::move(read).value();

  std::string dirs;
  for (const auto& dir : settings.photos.directories) dirs += (dirs.empty() ? "" : ",") + dir.string();
  started_line_ = "listening on " + settings.path.string() + " (mode " + format_octal_mode(settings.mode) +
                  (settings.group_name.empty() ? std::string() : ", group " + settings.group_name) + ", max " +
                  std::to_string(settings.server.max_connections) + " connections, photo_dirs " +
                  (dirs.empty() ? "none" : dirs) + ")";

  sdk::http::ServerOptions options;
  options.handler = SocketHandler(host_, settings);
  options.peer_user = true;
  options.require_credentials = true;
  auto share = std::make_shared<ConnectionShare>(
      host_, ConnectionLimits{settings.server.max_connections, settings.max_connections_per_user,
                              settings.reserved_connections});
  options.admit = [share](const sdk::http::Peer& peer, const sdk::http::OpenConnections& open) {
    return share->admit(peer, open);
  };
  options.metrics_prefix = "socket";
  options.description = "the unix-socket API";
  server_ = sdk::http::Server::create(host_, std::move(settings.server), std::move(options));
  return sdk::Status::success();
}

sdk::Status SocketFrontend::start() {
  if (!server_) return sdk::Status::failure("start() before a successful configure()");
  if (auto status = server_->open(); !status) return status;
  if (server_->removed_stale_socket()) {
    host_.log().info("removed stale socket ", server_->settings().listen.unix_path.string());
  }
  server_->run();
  host_.log().info(started_line_);
  return sdk::Status::success();
}

void SocketFrontend::stop(std::function<void()> done) {
  if (!server_) {
    if (done) done();
    return;
  }
  if (const std::size_t open = server_->connections(); open > 0) host_.log().info("closing ", open, " connection(s)");
  server_->stop(std::move(done));
}

}  // namespace notifyd::socket_api

using notifyd::socket_api::SocketFrontend;
NOTIFYD_PLUGIN(SocketFrontend, "socket", frontend)
