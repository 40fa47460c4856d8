#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>

#include <sys/types.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/error.hpp>

#include "notifyd/sdk/accept_loop.hpp"
#include "notifyd/sdk/status.hpp"
#include "session_registry.hpp"

namespace notifyd::socket_api {

struct ServerState;

/// Accepts connections on the listening socket, learns each peer's identity
/// (SO_PEERCRED), and starts a session for it on a strand of its own, or
/// answers 503 and closes when the caller is over its share (see
/// `SessionRegistry::admit`). Runs on
/// the plugin's executor; `run` and `stop` are called there too.
class SocketListener : public std::enable_shared_from_this<SocketListener> {
 public:
  SocketListener(boost::asio::any_io_executor executor, std::shared_ptr<ServerState> state);

  /// Takes over listening socket `fd` (closed on failure too).
  sdk::Status assign(int fd);
  /// Starts accepting.
  void run();
  /// Closes the acceptor; the pending accept ends with operation_aborted.
  void stop();

 private:
  void start_session(boost::asio::local::stream_protocol::socket socket);
  void refuse(boost::asio::local::stream_protocol::socket& socket, Refusal why, uid_t uid, const std::string& user);

  std::shared_ptr<sdk::AcceptLoop<boost::asio::local::stream_protocol>> accept_loop_;
  std::shared_ptr<ServerState> state_;
  bool refusing_ = false;       // inside a burst of refused connections
  std::uint64_t refused_ = 0;   // connections refused in this burst
  std::unordered_map<uid_t, std::uint64_t> refused_users_;  // users over their share, and how often refused
};

}  // namespace notifyd::socket_api
