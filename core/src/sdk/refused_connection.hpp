#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

namespace notifyd::sdk::http::detail {

/// A connection the server cannot serve now, answered and closed gracefully:
/// the answer is written, the sending side shut, and what the client still
/// sends is read and dropped until it closes, `linger` passes or
/// `max_drained` bytes came. A client that sends its request after the
/// answer left therefore gets no EPIPE or reset, and a reset cannot make it
/// drop the answer unread.
template <class Socket>
class RefusedConnection : public std::enable_shared_from_this<RefusedConnection<Socket>> {
 public:
  static constexpr std::chrono::seconds linger{2};
  static constexpr std::size_t max_drained = 64 * 1024;

  /// Answers `socket` with `answer` and closes it; `lingering` counts the
  /// refusals still open.
  static void start(Socket socket, std::string answer, std::shared_ptr<std::atomic<std::size_t>> lingering) {
    auto refusal = std::shared_ptr<RefusedConnection>(
        new RefusedConnection(std::move(socket), std::move(answer), std::move(lingering)));
    refusal->run();
  }

  ~RefusedConnection() { --*lingering_; }

 private:
  RefusedConnection(Socket socket, std::string answer, std::shared_ptr<std::atomic<std::size_t>> lingering)
      : socket_(std::move(socket)),
        strand_(boost::asio::make_strand(socket_.get_executor())),
        timer_(strand_),
        answer_(std::move(answer)),
        lingering_(std::move(lingering)) {
    ++*lingering_;
  }

  void run() {
    auto self = this->shared_from_this();
    timer_.expires_after(linger);
    timer_.async_wait(boost::asio::bind_executor(strand_, [self](boost::system::error_code ec) {
      if (!ec) self->finish();
    }));
    boost::asio::async_write(socket_, boost::asio::buffer(answer_),
                             boost::asio::bind_executor(strand_, [self](boost::system::error_code ec, std::size_t) {
                               if (ec) return self->finish();
                               boost::system::error_code ignored;
                               self->socket_.shutdown(Socket::shutdown_send, ignored);
                               self->drain();
                             }));
  }

  void drain() {
    socket_.async_read_some(boost::asio::buffer(scratch_),
                            boost::asio::bind_executor(strand_, [self = this->shared_from_this()](
                                                                    boost::system::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > max_drained) return self->finish();
                              self->drain();
                            }));
  }

  void finish() {
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.close(ignored);
  }

  Socket socket_;
  boost::asio::strand<typename Socket::executor_type> strand_;
  boost::asio::steady_timer timer_;
  std::string answer_;
  std::shared_ptr<std::atomic<std::size_t>> lingering_;
  char scratch_[4096];
  std::size_t drained_ = 0;
};

}  // namespace notifyd::sdk::http::detail
