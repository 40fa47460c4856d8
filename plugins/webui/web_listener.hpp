#pragma once

#include <cstdint>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>

#include "notifyd/sdk/accept_loop.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::webui {

struct ServerState;

/// Accepts TCP connections and starts a connection (plain or TLS) for each
/// on a strand of its own, or answers 503 and closes when `max_connections`
/// are open. Runs on the plugin's executor; `open`, `run` and `stop` are
/// called there too.
class WebListener : public std::enable_shared_from_this<WebListener> {
 public:
  WebListener(boost::asio::any_io_executor executor, std::shared_ptr<ServerState> state);

  /// Binds and listens on the configured address.
  sdk::Status open();
  /// The address actually bound (the port is known even when 0 was asked for).
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  /// Starts accepting.
  void run();
  /// Closes the acceptor; the pending accept ends with operation_aborted.
  void stop();

 private:
  void start_connection(boost::asio::ip::tcp::socket socket);
  void refuse(boost::asio::ip::tcp::socket& socket);

  std::shared_ptr<sdk::AcceptLoop<boost::asio::ip::tcp>> accept_loop_;
  std::shared_ptr<ServerState> state_;
  bool refusing_ = false;      // inside a burst of refused connections
  std::uint64_t refused_ = 0;  // connections refused in this burst
};

}  // namespace notifyd::webui
