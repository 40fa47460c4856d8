#pragma once

#include <cstdint>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/error.hpp>

#include "notifyd/sdk/accept_loop.hpp"
#include "notifyd/sdk/status.hpp"
#include "notifyd/sdk/unix_socket_file.hpp"

namespace notifyd::webui {

struct ServerState;
struct PeerInfo;

/// Accepts connections on TCP or on a unix socket and starts a connection
/// (plain, TLS or local) for each on a strand of its own, or answers 503 and
/// closes when `max_connections` are open. Learns who opened a connection
/// when the settings need it. Runs on the plugin's executor; `open`, `run`
/// and `stop` are called there too.
class WebListener : public std::enable_shared_from_this<WebListener> {
 public:
  WebListener(boost::asio::any_io_executor executor, std::shared_ptr<ServerState> state);

  /// Binds and listens on the configured address (creating the socket file for `unix:`).
  sdk::Status open();
  /// The TCP address actually bound (the port is known even when 0 was asked for).
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  /// Starts accepting.
  void run();
  /// Closes the acceptor (the pending accept ends with operation_aborted) and removes the socket file.
  void stop();

 private:
  using Local = boost::asio::local::stream_protocol;
  void start_connection(boost::asio::ip::tcp::socket socket);
  void start_local_connection(Local::socket socket);
  template <class Connection, class Socket>
  void launch(Socket socket, PeerInfo peer);
  bool at_capacity(int fd);

  std::shared_ptr<sdk::AcceptLoop<boost::asio::ip::tcp>> tcp_loop_;
  std::shared_ptr<sdk::AcceptLoop<Local>> local_loop_;
  sdk::SocketFileIdentity socket_file_;
  std::shared_ptr<ServerState> state_;
  bool refusing_ = false;      // inside a burst of refused connections
  std::uint64_t refused_ = 0;  // connections refused in this burst
};

}  // namespace notifyd::webui
