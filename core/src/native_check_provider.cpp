#include "native_check_provider.hpp"

#include <atomic>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "notifyd/sdk/thread_name.hpp"

namespace notifyd::core {

NativeCheckProvider::NativeCheckProvider(boost::asio::io_context& io, unsigned workers, sdk::Logger& log)
    : io_(io), log_(log), workers_(std::max(1u, workers)) {}

NativeCheckProvider::~NativeCheckProvider() {
  {
    std::lock_guard lock(running_mutex_);
    for (const auto& cancelled : running_) *cancelled = true;
  }
  workers_.stop();
  workers_.join();
}

void NativeCheckProvider::add(const CheckSpec& spec, sdk::Check& check) { entries_.push_back({spec, &check}); }

std::vector<sdk::CheckDefinition> NativeCheckProvider::list_checks() noexcept {
  std::vector<sdk::CheckDefinition> out;
  try {
    for (const auto& entry : entries_) {
      for (const auto& user : entry.spec.notify) {
        sdk::CheckDefinition definition;
        definition.name = entry.spec.name;
        definition.user = user;
        definition.schedule = entry.spec.schedule;
        definition.timeout = entry.spec.timeout;
        definition.origin = "native:" + entry.spec.use;
        out.push_back(std::move(definition));
      }
    }
  } catch (...) {
  }
  return out;
}

void NativeCheckProvider::execute(const sdk::CheckDefinition& definition, std::uint64_t,
                                  std::function<void(sdk::CheckExecution)> done) noexcept {
  const Entry* entry = nullptr;
  for (const auto& candidate : entries_) {
    if (candidate.spec.name == definition.name) entry = &candidate;
  }
  if (!entry) {
    sdk::CheckExecution execution;
    execution.status = sdk::CheckExecution::Status::failed_to_start;
    execution.error = "no native check named " + definition.name;
    return done(std::move(execution));
  }
  struct Shared {
    std::shared_ptr<std::atomic<bool>> cancelled = std::make_shared<std::atomic<bool>>(false);
    std::atomic<bool> answered{false};
    std::function<void(sdk::CheckExecution)> done;
    boost::asio::steady_timer timer;
    explicit Shared(boost::asio::io_context& io) : timer(io) {}
    void answer(sdk::CheckExecution execution) {
      if (!answered.exchange(true)) done(std::move(execution));
    }
  };
  auto shared = std::make_shared<Shared>(io_);
  shared->done = std::move(done);
  shared->timer.expires_after(definition.timeout);
  shared->timer.async_wait([shared, timeout = definition.timeout](boost::system::error_code ec) {
    if (ec) return;
    *shared->cancelled = true;
    sdk::CheckExecution execution;
    execution.status = sdk::CheckExecution::Status::timed_out;
    execution.error = "still running after " + std::to_string(timeout.count()) + " ms; asked to stop";
    shared->answer(std::move(execution));
  });
  sdk::CheckContext context{definition.name, definition.user, definition.timeout, shared->cancelled.get()};
  boost::asio::post(workers_, [this, shared, context, check = entry->check, cooldown = entry->spec.cooldown] {
    sdk::name_this_thread("native-check");
    {
      std::lock_guard lock(running_mutex_);
      running_.insert(shared->cancelled);
    }
    auto result = check->run(context);
    {
      std::lock_guard lock(running_mutex_);
      running_.erase(shared->cancelled);
    }
    sdk::CheckExecution execution;
    if (result) {
      execution.result = std::move(result.value());
      if (cooldown) execution.result->cooldown = *cooldown;
    } else {
      execution.exit_code = 1;
      execution.error = result.error();
    }
    if (shared->answered) log_.warn("check ", context.check, " returned after its timeout");
    boost::asio::post(io_, [shared, execution = std::move(execution)]() mutable {
      shared->timer.cancel();
      shared->answer(std::move(execution));
    });
  });
}

}  // namespace notifyd::core
