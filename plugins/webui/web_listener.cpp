#include "web_listener.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include <boost/asio/ip/v6_only.hpp>

#include "notifyd/sdk/peer_user.hpp"
#include "server_state.hpp"
#include "web_connection.hpp"

namespace notifyd::webui {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

// The complete answer to a plain connection beyond max_connections.
std::string overload_response() {
  const std::string body = R"({"error":"too many connections"})";
  return "HTTP/1.1 503 Service Unavailable\r\nServer: notifyd\r\nContent-Type: application/json\r\n"
         "Retry-After: 1\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

std::optional<std::string> user_of(std::optional<uid_t> uid) {
  return uid ? sdk::user_name_of_uid(*uid) : std::nullopt;
}

}  // namespace

WebListener::WebListener(net::any_io_executor executor, std::shared_ptr<ServerState> state)
    : state_(std::move(state)) {
  if (state_->settings.listen.is_unix()) {
    local_loop_ = std::make_shared<sdk::AcceptLoop<Local>>(executor, state_->host.io_context(), state_->host.log());
  } else {
    tcp_loop_ = std::make_shared<sdk::AcceptLoop<tcp>>(executor, state_->host.io_context(), state_->host.log());
  }
}

sdk::Status WebListener::open() {
  const auto& settings = state_->settings;
  const std::string where = settings.listen.to_string();
  beast::error_code ec;
  if (local_loop_) {
    auto socket = sdk::open_listening_socket(settings.listen.unix_path, settings.socket_mode, settings.socket_group);
    if (!socket) return sdk::Status::failure("cannot listen on " + where + ": " + socket.error());
    local_loop_->acceptor().assign(Local(), socket.value().fd, ec);
    if (ec) {
      ::close(socket.value().fd);
      sdk::remove_socket_file(socket.value().file);
      return sdk::Status::failure("cannot listen on " + where + ": " + ec.message());
    }
    socket_file_ = socket.value().file;
    return sdk::Status::success();
  }
  const tcp::endpoint endpoint(settings.listen.address, settings.listen.port);
  auto& acceptor = tcp_loop_->acceptor();
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec && endpoint.address().is_v6()) acceptor.set_option(net::ip::v6_only(false), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    acceptor.close(ignored);
    return sdk::Status::failure("cannot listen on " + where + ": " + ec.message());
  }
  return sdk::Status::success();
}

tcp::endpoint WebListener::local_endpoint() const {
  beast::error_code ec;
  return tcp_loop_ ? tcp_loop_->acceptor().local_endpoint(ec) : tcp::endpoint{};
}

void WebListener::run() {
  if (local_loop_) {
    local_loop_->run([weak = weak_from_this()](auto socket) {
      if (auto self = weak.lock()) self->start_local_connection(std::move(socket));
    });
    return;
  }
  tcp_loop_->run([weak = weak_from_this()](auto socket) {
    if (auto self = weak.lock()) self->start_connection(std::move(socket));
  });
}

void WebListener::stop() {
  if (tcp_loop_) tcp_loop_->stop();
  if (local_loop_) local_loop_->stop();
  sdk::remove_socket_file(socket_file_);
  socket_file_ = {};
}

void WebListener::start_connection(tcp::socket socket) {
  beast::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  if (at_capacity(socket.native_handle())) return;
  socket.set_option(tcp::no_delay(true), ec);
  PeerInfo peer{remote.address(), state_->tls != nullptr, false, std::nullopt};
  if (state_->settings.needs_peer_user() && sdk::http::is_loopback(remote.address())) {
    // Asked now, while the peer's socket certainly exists with this exact 4-tuple.
    peer.unix_user = user_of(sdk::loopback_peer_uid(socket.local_endpoint(ec), remote));
  }
  if (state_->tls) return launch<WebConnection<TlsStream>>(std::move(socket), std::move(peer));
  launch<WebConnection<PlainStream>>(std::move(socket), std::move(peer));
}

void WebListener::start_local_connection(Local::socket socket) {
  if (at_capacity(socket.native_handle())) return;
  PeerInfo peer{{}, false, true, std::nullopt};
  if (state_->settings.needs_peer_user()) peer.unix_user = user_of(sdk::unix_socket_peer_uid(socket.native_handle()));
  launch<WebConnection<LocalStream>>(std::move(socket), std::move(peer));
}

template <class Connection, class Socket>
void WebListener::launch(Socket socket, PeerInfo peer) {
  auto connection = std::make_shared<Connection>(std::move(socket), std::move(peer), state_);
  if (state_->connections.add(connection)) connection->run();
}

// True (and the connection answered 503 and closed) when max_connections are open.
bool WebListener::at_capacity(int fd) {
  if (state_->connections.size() < state_->settings.max_connections) {
    if (refusing_) {
      state_->host.log().info("accepting connections again after refusing ", refused_);
      refusing_ = false;
      refused_ = 0;
    }
    return false;
  }
  if (!refusing_) {
    state_->host.log().warn("connection limit of ", state_->settings.max_connections,
                            " reached: answering 503 to new connections");
    refusing_ = true;
  }
  ++refused_;
  if (!state_->tls) {
    // Best effort and never blocking: read what the client already sent (so
    // the close is not a reset), answer, close.
    char scratch[4096];
    for (int i = 0; i < 16 && ::recv(fd, scratch, sizeof scratch, MSG_DONTWAIT) > 0; ++i) {
    }
    const std::string response = overload_response();
    [[maybe_unused]] const auto sent = ::send(fd, response.data(), response.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  }
  state_->count_response(503);
  ::shutdown(fd, SHUT_RDWR);
  return true;
}

}  // namespace notifyd::webui
