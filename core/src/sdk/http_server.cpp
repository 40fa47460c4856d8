#include "notifyd/sdk/http/server.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include <boost/asio/ip/v6_only.hpp>

#include "http_connection.hpp"
#include "http_server_state.hpp"
#include "refused_connection.hpp"
#include "notifyd/sdk/accept_loop.hpp"
#include "notifyd/sdk/http/listen_address.hpp"
#include "notifyd/sdk/peer_user.hpp"
#include "notifyd/sdk/unix_socket_file.hpp"

namespace notifyd::sdk::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using Local = net::local::stream_protocol;

// The complete answer to a plain connection that cannot be served now,
// with what `decorate` adds to every answer.
std::string overload_response(const detail::ServerState& state, const Peer& peer) {
  HttpResponse response = HttpResponse::error(503, "too many connections");
  response.headers.emplace_back("Retry-After", "1");
  if (state.options.decorate) state.options.decorate(peer, response);
  std::string head = "HTTP/1.1 503 Service Unavailable\r\nServer: notifyd\r\nContent-Type: application/json\r\n";
  for (const auto& [name, value] : response.headers) {
    if (detail::header_is_safe(name, value) && !detail::header_is_framing(name)) head += name + ": " + value + "\r\n";
  }
  return head + "Content-Length: " + std::to_string(response.body.size()) + "\r\nConnection: close\r\n\r\n" +
         response.body;
}

std::optional<std::string> user_of(std::optional<uid_t> uid) {
  return uid ? user_name_of_uid(*uid) : std::nullopt;
}

class ServerImpl final : public Server, public std::enable_shared_from_this<ServerImpl> {
 public:
  ServerImpl(Host& host, ServerSettings settings, ServerOptions options)
      : state_(std::make_shared<detail::ServerState>(host, std::move(settings), std::move(options))) {
    if (state_->settings.listen.is_unix()) {
      local_loop_ = std::make_shared<AcceptLoop<Local>>(host.executor(), host.io_context(), host.log());
    } else {
      tcp_loop_ = std::make_shared<AcceptLoop<tcp>>(host.executor(), host.io_context(), host.log());
    }
  }

  Status open() override {
    const auto& settings = state_->settings;
    const std::string where = settings.listen.to_string();
    beast::error_code ec;
    if (local_loop_) {
      auto socket = open_listening_socket(settings.listen.unix_path, settings.socket_mode, settings.socket_group);
      if (!socket) return Status::failure("cannot listen on " + where + ": " + socket.error());
      local_loop_->acceptor().assign(Local(), socket.value().fd, ec);
      if (ec) {
        ::close(socket.value().fd);
        remove_socket_file(socket.value().file);
        return Status::failure("cannot listen on " + where + ": " + ec.message());
      }
      socket_file_ = socket.value().file;
      removed_stale_ = socket.value().removed_stale;
      return Status::success();
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
      return Status::failure("cannot listen on " + where + ": " + ec.message());
    }
    return Status::success();
  }

  tcp::endpoint local_endpoint() const override {
    beast::error_code ec;
    return tcp_loop_ ? tcp_loop_->acceptor().local_endpoint(ec) : tcp::endpoint{};
  }

  bool removed_stale_socket() const noexcept override { return removed_stale_; }

  void run() override {
    if (local_loop_) {
      local_loop_->run([weak = weak_from_this()](Local::socket socket) {
        if (auto self = weak.lock()) self->start_local(std::move(socket));
      });
      return;
    }
    tcp_loop_->run([weak = weak_from_this()](tcp::socket socket) {
      if (auto self = weak.lock()) self->start_tcp(std::move(socket));
    });
  }

  void stop(std::function<void()> done) override {
    if (tcp_loop_) tcp_loop_->stop();
    if (local_loop_) local_loop_->stop();
    remove_socket_file(socket_file_);
    socket_file_ = {};
    state_->connections.close_all(std::move(done));
  }

  std::size_t connections() const noexcept override { return state_->connections.open(std::nullopt).total; }

  const ServerSettings& settings() const noexcept override { return state_->settings; }

 private:
  void start_tcp(tcp::socket socket) {
    beast::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec) return;  // already gone
    socket.set_option(tcp::no_delay(true), ec);
    Peer peer;
    peer.address = unmapped(remote.address());
    peer.port = remote.port();
    peer.tls = state_->options.tls != nullptr;
    if (state_->options.peer_user && is_loopback(remote.address())) {
      // Asked now, while the peer's socket certainly exists with this exact 4-tuple.
      peer.user = user_of(loopback_peer_uid(socket.local_endpoint(ec), remote));
    }
    if (!admitted(peer)) return refuse(std::move(socket), peer);
    if (state_->options.tls) return launch<detail::HttpConnection<TlsStream>>(std::move(socket), std::move(peer));
    launch<detail::HttpConnection<PlainStream>>(std::move(socket), std::move(peer));
  }

  void start_local(Local::socket socket) {
    Peer peer;
    peer.local = true;
    peer.credentials = unix_peer_credentials(socket.native_handle());
    if (!peer.credentials && state_->options.require_credentials) {
      state_->host.log().warn("closing a connection whose peer credentials are unknown");
      return;
    }
    if (state_->options.peer_user && peer.credentials) peer.user = user_name_of_uid(peer.credentials->uid);
    if (!admitted(peer)) return refuse(std::move(socket), peer);
    launch<detail::HttpConnection<LocalStream>>(std::move(socket), std::move(peer));
  }

  template <class Connection, class Socket>
  void launch(Socket socket, Peer peer) {
    std::optional<uid_t> uid;
    if (peer.credentials) uid = peer.credentials->uid;
    auto connection = std::make_shared<Connection>(std::move(socket), std::move(peer), state_);
    if (state_->connections.add(connection, uid)) connection->run();
  }

  // True when `peer` may be served; otherwise logs and counts the refusal.
  bool admitted(const Peer& peer) {
    std::optional<uid_t> uid;
    if (peer.credentials) uid = peer.credentials->uid;
    const auto open = state_->connections.open(uid);
    if (state_->options.admit) {
      if (state_->options.admit(peer, open)) return true;
    } else if (open.total < state_->settings.max_connections) {
      if (refusing_) {
        state_->host.log().info("accepting connections again after refusing ", refused_);
        refusing_ = false;
        refused_ = 0;
      }
      return true;
    } else {
      if (!refusing_) {
        // One line when a burst of refusals begins, one when it ends: a client reconnecting in a loop cannot flood the log.
        state_->host.log().warn("cannot serve more connections (", open.total, " open, max_connections ",
                                state_->settings.max_connections, "): answering 503 to new connections");
        refusing_ = true;
      }
      ++refused_;
    }
    state_->count_response(503);
    return false;
  }

  // Answers 503 to a plain connection and closes it gracefully. Beyond
  // `max_lingering_refusals` open at once (a client reconnecting in a loop)
  // the answer is best effort and never blocking: what the client already
  // sent is read (so the close is not a reset), the answer sent, the
  // connection closed. A TLS connection is closed at once.
  template <class Socket>
  void refuse(Socket socket, const Peer& peer) {
    if (state_->options.tls) return;
    auto answer = overload_response(*state_, peer);
    if (*lingering_ < max_lingering_refusals) {
      return detail::RefusedConnection<Socket>::start(std::move(socket), std::move(answer), lingering_);
    }
    const int fd = socket.native_handle();
    char scratch[4096];
    for (int i = 0; i < 16 && ::recv(fd, scratch, sizeof scratch, MSG_DONTWAIT) > 0; ++i) {
    }
    [[maybe_unused]] const auto sent = ::send(fd, answer.data(), answer.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    ::shutdown(fd, SHUT_RDWR);
  }

  static constexpr std::size_t max_lingering_refusals = 64;

  std::shared_ptr<detail::ServerState> state_;
  std::shared_ptr<std::atomic<std::size_t>> lingering_ = std::make_shared<std::atomic<std::size_t>>(0);
  std::shared_ptr<AcceptLoop<tcp>> tcp_loop_;
  std::shared_ptr<AcceptLoop<Local>> local_loop_;
  SocketFileIdentity socket_file_;
  bool removed_stale_ = false;
  bool refusing_ = false;      // inside a burst of refused connections
  std::uint64_t refused_ = 0;  // connections refused in this burst
};

}  // namespace

std::shared_ptr<Server> Server::create(Host& host, ServerSettings settings, ServerOptions options) {
  return std::make_shared<ServerImpl>(host, std::move(settings), std::move(options));
}

}  // namespace notifyd::sdk::http
