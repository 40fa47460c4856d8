#pragma once
// The accept loop of a plugin's listening socket: every connection on a
// strand of its own, accept errors logged, and a pause instead of a spin when
// the process runs out of descriptors or memory.

#include <cerrno>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/system/error_code.hpp>

#include "notifyd/sdk/logger.hpp"

namespace notifyd::sdk {

/// Accepts connections on an acceptor of `Protocol` (TCP or a unix socket)
/// until stopped. Make it with `std::make_shared`; call its functions on the
/// executor it was made with, which its handlers run on too.
template <class Protocol>
class AcceptLoop : public std::enable_shared_from_this<AcceptLoop<Protocol>> {
 public:
  using Socket = typename Protocol::socket;
  /// Takes each accepted connection, whose socket already runs on a strand
  /// of its own. An exception it throws is logged and the loop goes on.
  using OnConnection = std::function<void(Socket)>;

  /// How long the loop waits before accepting again after running out of descriptors or memory.
  static constexpr std::chrono::milliseconds pause_when_exhausted{100};

  /// `io` gives each connection its strand; `log` hears what goes wrong.
  AcceptLoop(boost::asio::any_io_executor executor, boost::asio::io_context& io, Logger& log)
      : acceptor_(executor), pause_(executor), io_(io), log_(log) {}

  /// The acceptor, to open, bind and listen (or assign) before `run`.
  typename Protocol::acceptor& acceptor() { return acceptor_; }

  /// Starts accepting; `on_connection` takes every connection until `stop`.
  void run(OnConnection on_connection) {
    on_connection_ = std::move(on_connection);
    accept();
  }

  /// Closes the acceptor and ends a pause; the pending accept ends.
  void stop() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    pause_.cancel();
  }

 private:
  void accept() {
    if (!acceptor_.is_open()) return;
    acceptor_.async_accept(boost::asio::make_strand(io_),
                           [self = this->shared_from_this()](boost::system::error_code error, Socket socket) {
                             self->on_accept(error, std::move(socket));
                           });
  }

  void on_accept(boost::system::error_code error, Socket socket) {
    if (error == boost::asio::error::operation_aborted) return;
    if (error) {
      log_.warn("accept: ", error.message());
      if (error == boost::asio::error::no_descriptors || error == boost::asio::error::no_buffer_space ||
          error == boost::asio::error::no_memory || error.value() == ENFILE) {
        // Accepting again at once would spin.
        pause_.expires_after(pause_when_exhausted);
        pause_.async_wait([self = this->shared_from_this()](boost::system::error_code paused) {
          if (paused != boost::asio::error::operation_aborted) self->accept();
        });
        return;
      }
      return accept();
    }
    try {
      if (on_connection_) on_connection_(std::move(socket));
    } catch (const std::exception& e) {
      log_.error("cannot start a connection: ", e.what());
    }
    accept();
  }

  typename Protocol::acceptor acceptor_;
  boost::asio::steady_timer pause_;
  boost::asio::io_context& io_;
  Logger& log_;
  OnConnection on_connection_;
};

}  // namespace notifyd::sdk
