#include "web_listener.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <string>

#include <boost/asio/ip/v6_only.hpp>

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

}  // namespace

WebListener::WebListener(net::any_io_executor executor, std::shared_ptr<ServerState> state)
    : state_(std::move(state)) {
  accept_loop_ = std::make_shared<sdk::AcceptLoop<tcp>>(executor, state_->host.io_context(), state_->host.log());
}

sdk::Status WebListener::open() {
  const auto& listen = state_->settings.listen;
  const tcp::endpoint endpoint(listen.address, listen.port);
  const std::string where = format_host_port(listen.address, listen.port);
  beast::error_code ec;
  auto& acceptor = accept_loop_->acceptor();
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
  return accept_loop_->acceptor().local_endpoint(ec);
}

void WebListener::run() {
  accept_loop_->run([weak = weak_from_this()](auto socket) {
    if (auto self = weak.lock()) self->start_connection(std::move(socket));
  });
}

void WebListener::stop() { accept_loop_->stop(); }

void WebListener::start_connection(tcp::socket socket) {
  beast::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  if (state_->connections.size() >= state_->settings.max_connections) return refuse(socket);
  if (refusing_) {
    state_->host.log().info("accepting connections again after refusing ", refused_);
    refusing_ = false;
    refused_ = 0;
  }
  socket.set_option(tcp::no_delay(true), ec);
  const PeerInfo peer{remote.address(), state_->tls != nullptr};
  if (state_->tls) {
    auto connection = std::make_shared<WebConnection<TlsStream>>(std::move(socket), peer, state_);
    if (state_->connections.add(connection)) connection->run();
  } else {
    auto connection = std::make_shared<WebConnection<PlainStream>>(std::move(socket), peer, state_);
    if (state_->connections.add(connection)) connection->run();
  }
}

void WebListener::refuse(tcp::socket& socket) {
  if (!refusing_) {
    state_->host.log().warn("connection limit of ", state_->settings.max_connections,
                            " reached: answering 503 to new connections");
    refusing_ = true;
  }
  ++refused_;
  const int fd = socket.native_handle();
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
  beast::error_code ec;
  socket.shutdown(net::socket_base::shutdown_both, ec);
  socket.close(ec);
}

}  // namespace notifyd::webui
