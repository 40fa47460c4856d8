#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "notifyd/sdk/check_result.hpp"
#include "notifyd/sdk/delivery.hpp"
#include "notifyd/sdk/channel_condition.hpp"
#include "notifyd/sdk/fence.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk {

class Channel;
class Frontend;
class Trigger;
class Check;

/// Base of every plugin. The host constructs it with a `Host&`, then calls
/// `configure()`, then `start()`, and at shutdown `stop()`; all on the
/// plugin's executor. No virtual may throw.
///
/// Threads and lifetime: a thread the plugin owns (a worker, a blocking
/// client) never runs another object's code; it posts completions to the
/// executor of whoever asked. A callback the plugin hands to the host or to a
/// thread may arrive after `stop`: give it through `CallbackScope::wrap`. The
/// plugin object is destroyed after the io threads returned and every queued
/// handler was destroyed, or, when a reload retires it, only at exit; it joins
/// its own threads in its destructor.
class Plugin {
 public:
  virtual ~Plugin() = default;
  /// Checks the config beyond its schema (paths exist, values make sense) and
  /// registers routes. A failure refuses the plugin with its message.
  virtual Status configure() noexcept { return Status::success(); }
  /// Arms async work on the host's executor. A failure stops the daemon from starting.
  virtual Status start() noexcept = 0;
  /// Stops accepting work and cancels async operations; calls `done` once
  /// everything the plugin started has finished (from any thread).
  virtual void stop(std::function<void()> done) noexcept = 0;

  /// This object as a channel, or nullptr. Overridden by the kind interfaces;
  /// the host uses these instead of dynamic_cast across library boundaries.
  virtual Channel* as_channel() noexcept { return nullptr; }
  /// This object as a front-end, or nullptr.
  virtual Frontend* as_frontend() noexcept { return nullptr; }
  /// This object as a trigger, or nullptr.
  virtual Trigger* as_trigger() noexcept { return nullptr; }
  /// This object as a check, or nullptr.
  virtual Check* as_check() noexcept { return nullptr; }
};

/// Where a channel's deliveries are made when notifyd runs as several replicas.
enum class Placement {
  every_replica,  ///< each replica delivers (to the recipients it can reach)
  one_replica,    ///< only the holder of the channel's lease delivers (one bot poller per token)
};

/// Delivers notifications to people (Telegram, desktop app, console).
class Channel : public Plugin {
 public:
  /// Where deliveries are made; asked once, after `configure`.
  virtual Placement placement() const noexcept { return Placement::every_replica; }
  /// `one_replica` only, on the plugin's executor after `start`: this
  /// replica holds the channel's lease (`channel/<instance>`) and its outbox
  /// delivers from now on; effects the lease protects are written with
  /// `fence`. Called again, with a new fence, after each `follow`.
  virtual void lead(Fence /*fence*/) noexcept {}
  /// `one_replica` only, on the plugin's executor: the lease is lost or
  /// given up; stop polling and sending until the next `lead`. The outbox
  /// stops calling `deliver` first.
  virtual void follow() noexcept {}
  /// True when this channel can reach `user` (linked, connected, or catch-all).
  /// Called by the pipeline from any thread; must be cheap and thread-safe.
  virtual bool reaches(std::string_view user) const noexcept = 0;
  /// Why `user` is not reached although they set this channel up (e.g. they
  /// blocked the bot), for the refusal a sender sees; empty when there is no
  /// such reason (not linked at all). Called from any thread, like `reaches`.
  virtual std::string unreachable_reason(std::string_view /*user*/) const noexcept { return {}; }
  /// Delivers one notification. Called on the plugin's executor by the
  /// channel's outbox; `done` must be called exactly once, from any thread.
  virtual void deliver(Delivery delivery, std::function<void(DeliveryResult)> done) noexcept = 0;
  /// Its state, what is wrong, and counts of its own, shown next to its queue
  /// in the health endpoints. Called from any thread; must be cheap and
  /// thread-safe.
  virtual ChannelCondition condition() const noexcept { return {}; }
  Channel* as_channel() noexcept final { return this; }
};

/// Serves registered routes over a transport (unix socket, HTTP, ...).
class Frontend : public Plugin {
 public:
  Frontend* as_frontend() noexcept final { return this; }
};

/// Decides when checks run (schedules, discovery of users' scripts).
class Trigger : public Plugin {
 public:
  Trigger* as_trigger() noexcept final { return this; }
};

/// What a check is told when it runs.
struct CheckContext {
  std::string check;                         ///< the check's configured name
  std::string user;                          ///< recipient user, when the check has one
  std::chrono::milliseconds timeout{60000};  ///< the run is abandoned after this
  const std::atomic<bool>* cancelled = nullptr;  ///< becomes true when the run should stop early
};

/// A native check: C++ code that produces the same result as a script.
class Check : public Plugin {
 public:
  /// Runs once. Called on a worker thread, never on the executor; may block up
  /// to the timeout.
  virtual Result<CheckResult> run(const CheckContext& context) noexcept = 0;
  Check* as_check() noexcept final { return this; }
  /// Checks have no async work of their own by default.
  Status start() noexcept override { return Status::success(); }
  /// Nothing to stop by default.
  void stop(std::function<void()> done) noexcept override { done(); }
};

}  // namespace notifyd::sdk
