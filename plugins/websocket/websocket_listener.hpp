#pragma once

#include <cstdint>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>

#include "notifyd/sdk/accept_loop.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::websocket {

struct ServerState;

/// Accepts TCP connections on `listen` and starts a desktop session for each
/// on a strand of its own (ws:// or wss://), or closes it at once when
/// `max_connections` are open. Runs on the plugin's executor; `listen`, `run`
/// and `stop` are called there too.
class WebSocketListener : public std::enable_shared_from_this<WebSocketListener> {
 public:
  WebSocketListener(boost::asio::any_io_executor executor, std::shared_ptr<ServerState> state);

  /// Opens, binds and listens; the error names the address.
  sdk::Status listen();
  /// Starts accepting.
  void run();
  /// Closes the acceptor; the pending accept ends with operation_aborted.
  void stop();
  /// The port actually bound (useful when `listen` asked for port 0 in tests).
  std::uint16_t port() const;

 private:
  void start_session(boost::asio::ip::tcp::socket socket);

  std::shared_ptr<sdk::AcceptLoop<boost::asio::ip::tcp>> accept_loop_;
  std::shared_ptr<ServerState> state_;
  bool refusing_ = false;      // inside a burst of refused connections
  std::uint64_t refused_ = 0;  // connections refused in this burst
};

}  // namespace notifyd::websocket
