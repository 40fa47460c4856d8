#pragma once
// The adapter NOTIFYD_PLUGIN puts between the host and a plugin class written
// with ordinary member functions: it implements the kind's noexcept interface
// and turns whatever a member throws into the result the host expects.

#include <atomic>
#include <concepts>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "notifyd/sdk/host.hpp"
#include "notifyd/sdk/kind.hpp"
#include "notifyd/sdk/plugin.hpp"

namespace notifyd::sdk {

namespace detail {

/// What an exception says: `what()` of a std::exception, or a fixed sentence.
inline std::string exception_text(std::exception_ptr error) noexcept {
  try {
    std::rethrow_exception(std::move(error));
  } catch (const std::exception& e) {
    try {
      return e.what();
    } catch (...) {
    }
  } catch (...) {
  }
  return "an exception that is not a std::exception";
}

/// Runs `body`; when it throws, logs `entry: what` at error level on `log` and
/// returns `on_throw(what)` instead.
template <class Body, class OnThrow>
auto call_guarded(Logger& log, std::string_view entry, Body&& body, OnThrow&& on_throw) noexcept
    -> decltype(body()) {
  std::exception_ptr error;
  try {
    return body();
  } catch (...) {
    error = std::current_exception();
  }
  std::string what = exception_text(std::move(error));
  log.error(entry, " failed: ", what);
  return on_throw(std::move(what));
}

/// A completion callback shared between a plugin and the adapter: the first
/// call goes through, later ones are dropped. Lets the adapter answer for a
/// member that threw without ever calling `done` twice. Any thread.
template <class... Args>
class CallOnce {
 public:
  explicit CallOnce(std::function<void(Args...)> target) : target_(std::move(target)) {}
  void operator()(Args... args) {
    if (called_.exchange(true)) return;
    auto target = std::move(target_);
    if (target) target(std::forward<Args>(args)...);
  }

 private:
  std::atomic<bool> called_{false};
  std::function<void(Args...)> target_;
};

/// `done` wrapped so that only its first call counts; `once` keeps the shared state.
template <class... Args>
std::function<void(Args...)> share_once(std::function<void(Args...)>&& done,
                                        std::shared_ptr<CallOnce<Args...>>& once) {
  once = std::make_shared<CallOnce<Args...>>(std::move(done));
  return [once](Args... args) { (*once)(std::forward<Args>(args)...); };
}

}  // namespace detail

/// Implements the lifecycle half of `Interface` (Plugin's `configure`, `start`,
/// `stop`) over a `T` built from the `Host&`. `T` may define any of
///   Status configure();            // or void; a throw refuses the plugin
///   Status start();                // or void; a throw stops the daemon from starting
///   void stop(std::function<void()> done);
/// as ordinary members, free to throw. A missing one does nothing (success,
/// or `done()` at once). Every call is made on the plugin's executor, as the
/// host makes it; an exception is logged as `<entry> failed: <what>`.
template <class T, class Interface>
class LifecycleAdapter : public Interface {
 public:
  /// Builds the plugin object; what its constructor throws reaches `create`,
  /// which reports it as the plugin's creation error.
  explicit LifecycleAdapter(Host& host) : host_(host), plugin_(host) {}

  Status configure() noexcept override {
    if constexpr (requires(T& p) { p.configure(); }) {
      return call_for_status("configure", [&] { return plugin_.configure(); });
    } else {
      return Status::success();
    }
  }

  Status start() noexcept override {
    if constexpr (requires(T& p) { p.start(); }) {
      return call_for_status("start", [&] { return plugin_.start(); });
    } else {
      return Status::success();
    }
  }

  /// A throw calls `done` unless the plugin already did: the host never waits
  /// for a stop that failed half-way.
  void stop(std::function<void()> done) noexcept override {
    if constexpr (requires(T& p, std::function<void()> f) { p.stop(std::move(f)); }) {
      std::shared_ptr<detail::CallOnce<>> once;
      detail::call_guarded(
          host_.log(), "stop", [&] { plugin_.stop(detail::share_once(std::move(done), once)); },
          [&](const std::string&) {
            if (once) (*once)();
            else if (done) done();
          });
    } else {
      if (done) done();
    }
  }

 protected:
  // `call` returns Status or nothing; what it throws becomes a failed Status.
  template <class Call>
  Status call_for_status(std::string_view entry, Call&& call) noexcept {
    return detail::call_guarded(
        host_.log(), entry,
        [&] {
          if constexpr (std::is_void_v<decltype(call())>) {
            call();
            return Status::success();
          } else {
            return Status(call());
          }
        },
        [](std::string what) { return Status::failure(std::move(what)); });
  }

  Host& host_;
  T plugin_;
};

/// The adapter for plugin class `T` of kind `K`; what NOTIFYD_PLUGIN exports
/// when `T` does not implement the kind's interface itself.
template <class T, Kind K>
class PluginAdapter;

/// A trigger: only the lifecycle.
template <class T>
class PluginAdapter<T, Kind::trigger> final : public LifecycleAdapter<T, Trigger> {
 public:
  using LifecycleAdapter<T, Trigger>::LifecycleAdapter;
};

/// A front-end: only the lifecycle.
template <class T>
class PluginAdapter<T, Kind::frontend> final : public LifecycleAdapter<T, Frontend> {
 public:
  using LifecycleAdapter<T, Frontend>::LifecycleAdapter;
};

/// A channel. `T` defines `bool reaches(std::string_view) const` and
/// `void deliver(Delivery, std::function<void(DeliveryResult)>)`, and may
/// define `std::string unreachable_reason(std::string_view) const`,
/// `ChannelCondition condition() const`, and for replicas
/// `Placement placement() const`, `void lead(Fence)` and `void follow()`. A
/// throw from `deliver` completes the delivery as a retry carrying the message
/// (unless `done` was already called); one from `reaches` reads as "not
/// reached", from `unreachable_reason`/`condition` as nothing to say, from
/// `placement` as `every_replica`; one from `lead`/`follow` is logged.
template <class T>
class PluginAdapter<T, Kind::channel> final : public LifecycleAdapter<T, Channel> {
  static_assert(requires(const T& p, std::string_view user) {
    { p.reaches(user) } -> std::convertible_to<bool>;
  }, "a channel defines `bool reaches(std::string_view) const`");
  static_assert(requires(T& p, Delivery d, std::function<void(DeliveryResult)> f) {
    p.deliver(std::move(d), std::move(f));
  }, "a channel defines `void deliver(Delivery, std::function<void(DeliveryResult)>)`");

 public:
  using LifecycleAdapter<T, Channel>::LifecycleAdapter;

  bool reaches(std::string_view user) const noexcept override {
    return detail::call_guarded(
        this->host_.log(), "reaches", [&] { return static_cast<bool>(this->plugin_.reaches(user)); },
        [](const std::string&) { return false; });
  }

  std::string unreachable_reason(std::string_view user) const noexcept override {
    if constexpr (requires(const T& p, std::string_view u) {
                    { p.unreachable_reason(u) } -> std::convertible_to<std::string>;
                  }) {
      return detail::call_guarded(
          this->host_.log(), "unreachable_reason",
          [&] { return std::string(this->plugin_.unreachable_reason(user)); },
          [](const std::string&) { return std::string(); });
    } else {
      return {};
    }
  }

  void deliver(Delivery delivery, std::function<void(DeliveryResult)> done) noexcept override {
    std::shared_ptr<detail::CallOnce<DeliveryResult>> once;
    detail::call_guarded(
        this->host_.log(), "deliver",
        [&] { this->plugin_.deliver(std::move(delivery), detail::share_once(std::move(done), once)); },
        [&](std::string what) {
          if (once) (*once)(DeliveryResult::retry(std::move(what)));
          else if (done) done(DeliveryResult::retry(std::move(what)));
        });
  }

  Placement placement() const noexcept override {
    if constexpr (requires(const T& p) { { p.placement() } -> std::convertible_to<Placement>; }) {
      return detail::call_guarded(
          this->host_.log(), "placement", [&] { return Placement(this->plugin_.placement()); },
          [](const std::string&) { return Placement::every_replica; });
    } else {
      return Placement::every_replica;
    }
  }

  void lead(Fence fence) noexcept override {
    if constexpr (requires(T& p, Fence f) { p.lead(std::move(f)); }) {
      detail::call_guarded(this->host_.log(), "lead", [&] { this->plugin_.lead(std::move(fence)); },
                           [](const std::string&) {});
    }
  }

  void follow() noexcept override {
    if constexpr (requires(T& p) { p.follow(); }) {
      detail::call_guarded(this->host_.log(), "follow", [&] { this->plugin_.follow(); }, [](const std::string&) {});
    }
  }

  ChannelCondition condition() const noexcept override {
    if constexpr (requires(const T& p) { { p.condition() } -> std::convertible_to<ChannelCondition>; }) {
      return detail::call_guarded(
          this->host_.log(), "condition", [&] { return ChannelCondition(this->plugin_.condition()); },
          [](const std::string&) { return ChannelCondition{}; });
    } else {
      return {};
    }
  }
};

/// A native check. `T` defines `Result<CheckResult> run(const CheckContext&)`
/// (or returns a plain `CheckResult`); a throw is a failed run carrying the message.
template <class T>
class PluginAdapter<T, Kind::check> final : public LifecycleAdapter<T, Check> {
  static_assert(requires(T& p, const CheckContext& c) { p.run(c); },
                "a check defines `Result<CheckResult> run(const CheckContext&)`");

 public:
  using LifecycleAdapter<T, Check>::LifecycleAdapter;

  Result<CheckResult> run(const CheckContext& context) noexcept override {
    return detail::call_guarded(
        this->host_.log(), "run", [&] { return Result<CheckResult>(this->plugin_.run(context)); },
        [](std::string what) { return Result<CheckResult>::failure(std::move(what)); });
  }
};

}  // namespace notifyd::sdk
