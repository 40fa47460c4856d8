#pragma once

#include <boost/asio/io_context.hpp>

namespace notifyd::core {

/// The io_context the host and every plugin run on, with the one extra step
/// an orderly teardown needs.
///
/// Teardown: the threads running the loop return; the threads that post to it
/// (the store's writer, native-check workers) are joined; then
/// `abandon_handlers` destroys every handler still queued, without running it,
/// while everything those handlers refer to still exists; then the objects
/// that own I/O objects go; the loop itself goes last. Owners declare their
/// members in that order (see `HandlerAbandonment`).
class EventLoop : public boost::asio::io_context {
 public:
  using boost::asio::io_context::io_context;

  /// Destroys every queued and pending handler without running it (Asio's
  /// shutdown of every service). Call only when no thread runs the loop.
  /// I/O objects may still be destroyed afterwards; calling it again is harmless.
  void abandon_handlers() { shutdown(); }
};

/// A member whose destructor calls `EventLoop::abandon_handlers`. Declare it
/// after every object a queued handler may touch (so they still exist when the
/// handlers are destroyed) and before the threads that post to the loop (so
/// those are joined first).
class HandlerAbandonment {
 public:
  explicit HandlerAbandonment(EventLoop& loop) : loop_(loop) {}
  ~HandlerAbandonment() { loop_.abandon_handlers(); }
  HandlerAbandonment(const HandlerAbandonment&) = delete;
  HandlerAbandonment& operator=(const HandlerAbandonment&) = delete;

 private:
  EventLoop& loop_;
};

}  // namespace notifyd::core
