#include "wall_clock_timer.hpp"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include <algorithm>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

namespace notifyd::cron {

WallClockTimer::WallClockTimer(boost::asio::any_io_executor executor) : descriptor_(std::move(executor)) {
  const int fd = ::timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd < 0) {
    status_ = sdk::Status::failure(std::string("timerfd_create: ") + std::strerror(errno));
    return;
  }
  boost::system::error_code ec;
  descriptor_.assign(fd, ec);
  if (ec) {
    ::close(fd);
    status_ = sdk::Status::failure("cannot watch the timerfd: " + ec.message());
  }
}

void WallClockTimer::drain() noexcept {
  std::uint64_t expirations = 0;
  while (::read(descriptor_.native_handle(), &expirations, sizeof expirations) > 0) {
  }
}

void WallClockTimer::async_wait_until(std::chrono::system_clock::time_point deadline,
                                      std::function<void(boost::system::error_code)> handler) {
  if (!status_.ok) {
    boost::asio::post(descriptor_.get_executor(),
                      [handler = std::move(handler)] { handler(boost::asio::error::bad_descriptor); });
    return;
  }
  drain();
  const auto since_epoch = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch());
  const std::int64_t ns = std::max<std::int64_t>(since_epoch.count(), 1);
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  spec.it_value.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  if (::timerfd_settime(descriptor_.native_handle(), TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, nullptr) != 0) {
    const int error = errno;
    if (error != ECANCELED) {
      boost::asio::post(descriptor_.get_executor(), [handler = std::move(handler), error] {
        handler(boost::system::error_code(error, boost::system::system_category()));
      });
      return;
    }
  }
  descriptor_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                         [this, handler = std::move(handler)](boost::system::error_code ec) {
                           if (!ec) drain();
                           handler(ec);
                         });
}

void WallClockTimer::cancel() noexcept {
  boost::system::error_code ignored;
  descriptor_.cancel(ignored);
}

}  // namespace notifyd::cron
