#include "socket_listener.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>

#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "peer_identity.hpp"
#include "server_state.hpp"
#include "socket_session.hpp"

namespace notifyd::socket_api {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
using namespace std::chrono_literals;

// The complete answer to a connection beyond max_connections.
std::string overload_response() {
  const std::string body = R"({"error":"too many connections"})";
  return "HTTP/1.1 503 Service Unavailable\r\nServer: notifyd\r\nContent-Type: application/json\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

}  // namespace

SocketListener::SocketListener(net::any_io_executor executor, std::shared_ptr<ServerState> state)
    : acceptor_(executor), retry_timer_(executor), state_(std::move(state)) {}

sdk::Status SocketListener::assign(int fd) {
  beast::error_code ec;
  acceptor_.assign(net::local::stream_protocol(), fd, ec);
  if (ec) {
    ::close(fd);
    return sdk::Status::failure("cannot use the listening socket: " + ec.message());
  }
  return sdk::Status::success();
}

void SocketListener::run() { do_accept(); }

void SocketListener::stop() {
  beast::error_code ec;
  acceptor_.close(ec);
  retry_timer_.cancel();
}

void SocketListener::do_accept() {
  if (!acceptor_.is_open()) return;
  acceptor_.async_accept(net::make_strand(state_->host.io_context()),
                         beast::bind_front_handler(&SocketListener::on_accept, shared_from_this()));
}

void SocketListener::on_accept(beast::error_code ec, net::local::stream_protocol::socket socket) {
  if (ec) {
    if (ec == net::error::operation_aborted) return;
    fail(ec, "accept");
    if (ec == net::error::no_descriptors || ec == net::error::no_buffer_space || ec == net::error::no_memory ||
        ec.value() == ENFILE) {
      // Out of descriptors or memory: accepting again at once would spin.
      retry_timer_.expires_after(100ms);
      retry_timer_.async_wait(beast::bind_front_handler(&SocketListener::on_retry, shared_from_this()));
      return;
    }
    return do_accept();
  }
  try {
    start_session(std::move(socket));
  } catch (const std::exception& e) {
    state_->host.log().error("cannot start a session: ", e.what());
  }
  do_accept();
}

void SocketListener::on_retry(beast::error_code ec) {
  if (ec == net::error::operation_aborted) return;
  do_accept();
}

void SocketListener::start_session(net::local::stream_protocol::socket socket) {
  const auto credentials = peer_credentials(socket.native_handle());
  if (!credentials) {
    state_->host.log().warn("closing a connection whose peer credentials are unknown");
    return;
  }
  if (state_->sessions.size() >= state_->settings.max_connections) return refuse(socket);
  if (refusing_) {
    state_->host.log().info("accepting connections again after refusing ", refused_);
    refusing_ = false;
    refused_ = 0;
  }

  PeerIdentity peer;
  peer.credentials = *credentials;
  peer.caller.user = user_name_for_uid(credentials->uid);
  peer.caller.admin = credentials->uid == 0 || state_->host.is_admin(peer.caller.user);
  auto& log = state_->host.log();
  if (log.enabled(sdk::LogLevel::debug)) {
    log.debug("connection from ", peer.caller.user, " (uid ", credentials->uid, ", pid ", credentials->pid,
              peer.caller.admin ? ", admin)" : ")");
  }

  auto session = std::make_shared<SocketSession>(std::move(socket), std::move(peer), state_);
  if (state_->sessions.add(session)) session->run();
}

void SocketListener::refuse(net::local::stream_protocol::socket& socket) {
  if (!refusing_) {
    state_->host.log().warn("connection limit of ", state_->settings.max_connections,
                            " reached: answering 503 to new connections");
    refusing_ = true;
  }
  ++refused_;
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

void SocketListener::fail(beast::error_code ec, const char* what) {
  if (ec == net::error::operation_aborted) return;
  state_->host.log().warn(what, ": ", ec.message());
}

}  // namespace notifyd::socket_api
