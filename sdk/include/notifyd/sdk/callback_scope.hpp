#pragma once

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <tuple>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>

namespace notifyd::sdk {

/// Ties callbacks to one plugin instance's life: the one way a plugin hands
/// out a callback that may be called after it stopped (a check run that ends
/// during stop, a publish answered late, a reply from a thread the plugin does
/// not own).
///
/// `wrap(f)` returns a callable that may be called from any thread at any
/// time, also after the plugin is gone. A call is posted to the scope's
/// executor (normally `Host::executor()`) and runs there only while the scope
/// is open; after `close`, calls are dropped without running. The callable
/// holds no executor, so it may be destroyed after the io_context.
///
/// `close` returns once no wrapped callback is running (except the one that
/// calls it). The plugin closes its scope at the end of `stop` and in its
/// destructor (the scope's own destructor closes it too): declare the scope
/// as the plugin's last member, so that it is closed before anything a
/// callback touches is destroyed.
class CallbackScope {
 public:
  /// A scope whose callbacks run on `executor`.
  explicit CallbackScope(boost::asio::any_io_executor executor)
      : state_(std::make_shared<State>(std::move(executor))) {}
  ~CallbackScope() { close(); }
  CallbackScope(const CallbackScope&) = delete;
  CallbackScope& operator=(const CallbackScope&) = delete;

  /// `f`, to be called later from anywhere; it runs on the scope's executor
  /// while the scope is open, and never after. `f` is copied for each call.
  template <typename F>
  auto wrap(F f) const {
    return [state = state_, f = std::move(f)](auto&&... args) {
      Shared guard(*state);
      if (!state->open) return;
      boost::asio::post(state->executor, [state, f, arguments = std::make_tuple(std::forward<decltype(args)>(args)...)]() mutable {
        Shared guard(*state);
        if (!state->open) return;
        State* outer = std::exchange(running_here, state.get());
        std::apply(f, std::move(arguments));
        running_here = outer;
      });
    };
  }

  /// Drops every wrapped call from now on; waits for a callback running on
  /// another thread to return. Idempotent.
  void close() noexcept {
    std::unique_lock lock(state_->mutex, std::defer_lock);
    if (running_here != state_.get()) lock.lock();
    state_->open = false;
    state_->executor = {};
  }

  /// False once closed.
  bool is_open() const noexcept {
    Shared guard(*state_);
    return state_->open;
  }

 private:
  struct State {
    explicit State(boost::asio::any_io_executor e) : executor(std::move(e)) {}
    std::shared_mutex mutex;  ///< shared while a callback is posted or runs; exclusive to close
    bool open = true;
    boost::asio::any_io_executor executor;
  };
  /// Shares the scope's lock unless this thread already holds it (it runs one of the scope's callbacks).
  class Shared {
   public:
    explicit Shared(State& state) : lock_(state.mutex, std::defer_lock) {
      if (running_here != &state) lock_.lock();
    }

   private:
    std::shared_lock<std::shared_mutex> lock_;
  };
  /// The scope whose callback this thread is running, if any.
  static inline thread_local State* running_here = nullptr;

  std::shared_ptr<State> state_;
};

}  // namespace notifyd::sdk
