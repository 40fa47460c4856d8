#pragma once

#include <memory>
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
/// worker is free again only when the check returns.
class NativeCheckProvider final : public sdk::CheckProvider {
 public:
  NativeCheckProvider(boost::asio::io_context& io, unsigned workers, sdk::Logger& log);
  ~NativeCheckProvider() override;

  /// Adds a created and configured check (before the daemon runs).
  void add(const CheckSpec& spec, sdk::Check& check);
  /// Waits for running checks to return; call before the check objects are destroyed.
  void join();

  std::vector<sdk::CheckDefinition> list_checks() noexcept override;
  void execute(const sdk::CheckDefinition& check, std::uint64_t run_id,
               std::function<void(sdk::CheckExecution)> done) noexcept override;

 private:
  struct Entry {
    CheckSpec spec;
    sdk::Check* check;
  };

  boost::asio::io_context& io_;
  boost::asio::thread_pool workers_;
  sdk::Logger& log_;
  std::vector<Entry> entries_;
};

}  // namespace notifyd::core
