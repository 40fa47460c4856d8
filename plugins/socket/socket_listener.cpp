#include "socket_listener.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>


#include "peer_identity.hpp"
#include "server_state.hpp"
#include "socket_session.hpp"

namespace notifyd::socket_api {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;

// The complete answer to a connection beyond max_connections.
std::string overload_response() {
  const std::string body = R"({"error":"too many connections"})";
  return "HTTP/1.1 503 Service Unavailable\r\nServer: notifyd\r\nContent-Type: application/json\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

}  // namespace

SocketListener::SocketListener(net::any_io_executor executor, std::shared_ptr<ServerState> state)
    : state_(std::move(state)) {
  accept_loop_ = std::make_shared<sdk::AcceptLoop<net::local::stream_protocol>>(executor, state_->host.io_context(),
                                                                          state_->host.log());
}

sdk::Status SocketListener::assign(int fd) {
  beast::error_code ec;
  accept_loop_->acceptor().assign(net::local::stream_protocol(), fd, ec);
  if (ec) {
    ::close(fd);
    return sdk::Status::failure("cannot use the listening socket: " + ec.message());
  }
  return sdk::Status::success();
}

void SocketListener::run() {
  accept_loop_->run([weak = weak_from_this()](auto socket) {
    if (auto self = weak.lock()) self->start_session(std::move(socket));
  });
}

void SocketListener::stop() { accept_loop_->stop(); }

void SocketListener::start_session(net::local::stream_protocol::socket socket) {
  const auto credentials = peer_credentials(socket.native_handle());
  if (!credentials) {
    state_->host.log().warn("closing a connection whose peer credentials are unknown");
    return;
  }
  PeerIdentity peer;
  peer.credentials = *credentials;
  peer.caller.user = user_name_for_uid(credentials->uid);
  peer.caller.admin = credentials->uid == 0 || state_->host.is_admin(peer.caller.user);
  const auto& settings = state_->settings;
  const ConnectionLimits limits{settings.max_connections, settings.max_connections_per_user,
                                settings.reserved_connections};
  if (const auto refusal = state_->sessions.admit(credentials->uid, peer.caller.admin, limits); refusal != Refusal::none) {
    return refuse(socket, refusal, credentials->uid, peer.caller.user);
  }
  if (refusing_) {
    state_->host.log().info("accepting connections again after refusing ", refused_);
    refusing_ = false;
    refused_ = 0;
  }
  if (const auto found = refused_users_.find(credentials->uid); found != refused_users_.end()) {
    state_->host.log().info("accepting connections of ", peer.caller.user, " again after refusing ", found->second);
    refused_users_.erase(found);
  }
  auto& log = state_->host.log();
  if (log.enabled(sdk::LogLevel::debug)) {
    log.debug("connection from ", peer.caller.user, " (uid ", credentials->uid, ", pid ", credentials->pid,
              peer.caller.admin ? ", admin)" : ")");
  }

  const uid_t uid = credentials->uid;
  auto session = std::make_shared<SocketSession>(std::move(socket), std::move(peer), state_);
  if (state_->sessions.add(session, uid)) session->run();
}

void SocketListener::refuse(net::local::stream_protocol::socket& socket, Refusal why, uid_t uid, const std::string& user) {
  // One line when a burst of refusals begins, one when it ends: a user reconnecting in a loop cannot flood the log.
  if (why == Refusal::user_full) {
    if (refused_users_[uid]++ == 0) {
      state_->host.log().warn(user, " holds ", state_->settings.max_connections_per_user,
                              " connections (max_connections_per_user): answering 503 to its new ones");
    }
  } else {
    if (!refusing_) {
      state_->host.log().warn("connection limit of ", state_->settings.max_connections, " reached (",
                              state_->settings.reserved_connections,
                              " kept for root and admins): answering 503 to new connections");
      refusing_ = true;
    }
    ++refused_;
  }
  // Best effort and never blocking: read what the client already sent (so the
  // close is not a reset), answer, close.
  const int fd = socket.native_handle();
  char scratch[4096];
  for (int i = 0; i < 16 && ::recv(fd, scratch, sizeof scratch, MSG_DONTWAIT) > 0; ++i) {
  }
  const std::string response = overload_response();
  [[maybe_unused]] const auto sent = ::send(fd, response.data(), response.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  state_->count_response(503);
  beast::error_code ec;
  socket.shutdown(net::socket_base::shutdown_both, ec);
  socket.close(ec);
}

}  // namespace notifyd::socket_api
