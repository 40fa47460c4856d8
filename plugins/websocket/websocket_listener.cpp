#include "websocket_listener.hpp"

#include <cerrno>
#include <chrono>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "desktop_session.hpp"
#include "server_state.hpp"

namespace notifyd::websocket {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

}  // namespace

WebSocketListener::WebSocketListener(net::any_io_executor executor, std::shared_ptr<ServerState> state)
    : acceptor_(executor), retry_timer_(executor), state_(std::move(state)) {}

sdk::Status WebSocketListener::listen() {
  const auto& address = state_->settings.listen;
  const std::string where = address.host + ":" + std::to_string(address.port);
  beast::error_code ec;
  const tcp::endpoint endpoint(net::ip::make_address(address.host, ec), address.port);
  if (ec) return sdk::Status::failure("cannot listen on " + where + ": " + ec.message());
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec && endpoint.address().is_v6()) acceptor_.set_option(net::ip::v6_only(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor_.close();
    return sdk::Status::failure("cannot listen on " + where + ": " + ec.message());
  }
  return sdk::Status::success();
}

std::uint16_t WebSocketListener::port() const {
  beast::error_code ec;
  const auto endpoint = acceptor_.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void WebSocketListener::run() { do_accept(); }

void WebSocketListener::stop() {
  beast::error_code ec;
  acceptor_.close(ec);
  retry_timer_.cancel();
}

void WebSocketListener::do_accept() {
  if (!acceptor_.is_open()) return;
  acceptor_.async_accept(net::make_strand(state_->host.io_context()),
                         beast::bind_front_handler(&WebSocketListener::on_accept, shared_from_this()));
}

void WebSocketListener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec) {
    if (ec == net::error::operation_aborted) return;
    state_->host.log().warn("accept: ", ec.message());
    if (ec == net::error::no_descriptors || ec == net::error::no_buffer_space || ec == net::error::no_memory ||
        ec.value() == ENFILE) {
      // Out of descriptors or memory: accepting again at once would spin.
      retry_timer_.expires_after(100ms);
      retry_timer_.async_wait(beast::bind_front_handler(&WebSocketListener::on_retry, shared_from_this()));
      return;
    }
    return do_accept();
  }
  try {
    start_session(std::move(socket));
  } catch (const std::exception& e) {
    state_->host.log().error("cannot start a desktop session: ", e.what());
  }
  do_accept();
}

void WebSocketListener::on_retry(beast::error_code ec) {
  if (ec == net::error::operation_aborted) return;
  do_accept();
}

void WebSocketListener::start_session(tcp::socket socket) {
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
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
  if (!state_->registry.open(connection)) {
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
