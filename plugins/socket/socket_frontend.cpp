#include "socket_frontend.hpp"

#include <exception>
#include <string>
#include <vector>

#include "notifyd/sdk/plugin_descriptor.hpp"
#include "server_state.hpp"
#include "socket_listener.hpp"
#include "socket_settings.hpp"

namespace notifyd::socket_api {

SocketFrontend::SocketFrontend(sdk::Host& host) : host_(host) {}

SocketFrontend::~SocketFrontend() = default;

void SocketFrontend::describe(sdk::ConfigSchema& schema) { describe_socket_settings(schema); }

sdk::Status SocketFrontend::configure() noexcept {
  try {
    auto settings = read_socket_settings(host_.config());
    if (!settings) return sdk::Status::failure(settings.error());
    state_ = std::make_shared<ServerState>(host_, std::move(settings).value());
    return sdk::Status::success();
  } catch (const std::exception& e) {
    return sdk::Status::failure(e.what());
  }
}

sdk::Status SocketFrontend::start() noexcept {
  try {
    if (!state_) return sdk::Status::failure("start() before a successful configure()");
    const SocketSettings& settings = state_->settings;
    auto socket = sdk::open_listening_socket(settings.path, settings.mode, settings.group);
    if (!socket) return sdk::Status::failure(socket.error());
    if (socket.value().removed_stale) host_.log().info("removed stale socket ", settings.path.string());

    auto listener = std::make_shared<SocketListener>(host_.executor(), state_);
    if (auto status = listener->assign(socket.value().fd); !status) {
      sdk::remove_socket_file(socket.value().file);
      return status;
    }
    socket_file_ = socket.value().file;
    listener_ = std::move(listener);
    listener_->run();

    std::string dirs;
    for (const auto& dir : settings.photos.directories) dirs += (dirs.empty() ? "" : ",") + dir.string();
    host_.log().info("listening on ", settings.path.string(), " (mode ", format_octal_mode(settings.mode),
                     settings.group_name.empty() ? std::string() : ", group " + settings.group_name,
                     ", max ", settings.max_connections, " connections, photo_dirs ", dirs.empty() ? "none" : dirs,
                     ")");
    return sdk::Status::success();
  } catch (const std::exception& e) {
    return sdk::Status::failure(e.what());
  }
}

void SocketFrontend::stop(std::function<void()> done) noexcept {
  try {
    if (listener_) listener_->stop();
    sdk::remove_socket_file(socket_file_);
    socket_file_ = {};
    if (!state_) {
      if (done) done();
      return;
    }
    const std::size_t open = state_->sessions.size();
    if (open > 0) host_.log().info("closing ", open, " connection(s)");
    state_->sessions.close_all(std::move(done));
  } catch (const std::exception& e) {
    host_.log().error("stop: ", e.what());
    if (done) done();  // not handed over yet (a moved-from std::function is empty)
  }
}

}  // namespace notifyd::socket_api

using notifyd::socket_api::SocketFrontend;
NOTIFYD_PLUGIN(SocketFrontend, "socket", frontend)
