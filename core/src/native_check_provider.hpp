#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "config_file.hpp"
#include "notifyd/sdk/check_service.hpp"
#include "notifyd/sdk/logger.hpp"
#include "notifyd/sdk/plugin.hpp"

namespace notifyd::core {

/// Offers the `[[check]]` tables' native checks to the check service: one
/// check per recipient, run on a worker thread. At the timeout the run is
/// reported as timed out and the check's `cancelled` flag is raised; the
/// worker is free again only when the check returns. Workers run only the
/// check's own `run`; its result is posted to the io_context.
class NativeCheckProvider final : public sdk::CheckProvider {
 public:
  NativeCheckProvider(boost::asio::io_context& io, unsigned workers, sdk::Logger& log);
  /// Raises every running check's `cancelled` flag and waits for it to
  /// return; destroy the provider before the check objects and the io_context.
  ~NativeCheckProvider() override;

  /// Adds a created and configured check (before the daemon runs).
  void add(const CheckSpec& spec, sdk::Check& check);

  std::vector<sdk::CheckDefinition> list_checks() noexcept override;
  void execute(const sdk::CheckDefinition& check, std::uint64_t run_id,
               std::function<void(sdk::CheckExecution)> done) noexcept override;

 private:
  struct Entry {
    CheckSpec spec;
    sdk::Check* check;
  };

  boost::asio::io_context& io_;
  sdk::Logger& log_;
  std::vector<Entry> entries_;
  std::mutex running_mutex_;
  std::set<std::shared_ptr<std::atomic<bool>>> running_;  ///< cancel flags of the checks on a worker now
  boost::asio::thread_pool workers_;  ///< last: joined before the rest goes
};

}  // namespace notifyd::core
