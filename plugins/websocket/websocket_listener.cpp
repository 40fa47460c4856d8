#include "websocket_listener.hpp"

#include <cerrno>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/v6_only.hpp>

#include "desktop_session.hpp"
#include "peer_address.hpp"
#include "server_state.hpp"

namespace notifyd::websocket {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

}  // namespace

WebSocketListener::WebSocketListener(net::any_io_executor executor, std::shared_ptr<ServerState> state)
    : state_(std::move(state)) {
  accept_loop_ = std::make_shared<sdk::AcceptLoop<tcp>>(executor, state_->host.io_context(), state_->host.log());
}

sdk::Status WebSocketListener::listen() {
  const auto& address = state_->settings.listen;
  const std::string where = address.host + ":" + std::to_string(address.port);
  beast::error_code ec;
  const tcp::endpoint endpoint(net::ip::make_address(address.host, ec), address.port);
  if (ec) return sdk::Status::failure("cannot listen on " + where + ": " + ec.message());
  auto& acceptor = accept_loop_->acceptor();
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec && endpoint.address().is_v6()) acceptor.set_option(net::ip::v6_only(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    acceptor.close(ignored);
    return sdk::Status::failure("cannot listen on " + where + ": " + ec.message());
  }
  return sdk::Status::success();
}

std::uint16_t WebSocketListener::port() const {
  beast::error_code ec;
  const auto endpoint = accept_loop_->acceptor().local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void WebSocketListener::run() {
  accept_loop_->run([weak = weak_from_this()](auto socket) {
    if (auto self = weak.lock()) self->start_session(std::move(socket));
  });
}

void WebSocketListener::stop() { accept_loop_->stop(); }

void WebSocketListener::start_session(tcp::socket socket) {
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  const auto peer = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  std::string address = peer_address_key(peer.address());
  std::shared_ptr<DesktopConnection> connection;
  std::function<void()> run;
  if (state_->tls) {
    auto session = std::make_shared<DesktopSession<TlsWebSocket>>(state_, std::move(socket), *state_->tls);
    run = [session] { session->run(); };
    connection = std::move(session);
  } else {
    auto session = std::make_shared<DesktopSession<PlainWebSocket>>(state_, std::move(socket));
    run = [session] { session->run(); };
    connection = std::move(session);
  }
  if (!state_->registry.open(connection, std::move(address))) {
    if (!refusing_) {
      state_->host.log().warn("connection limit of ", state_->settings.max_connections,
                              " reached: closing new desktop connections");
      refusing_ = true;
    }
    ++refused_;
    return;  // the session is destroyed here, which closes the socket
  }
  if (refusing_) {
    state_->host.log().info("accepting desktop connections again after refusing ", refused_);
    refusing_ = false;
    refused_ = 0;
  }
  run();
}

}  // namespace notifyd::websocket
