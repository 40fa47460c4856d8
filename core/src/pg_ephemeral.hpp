#pragma once

#include <atomic>
#include <chrono>

#include "notifyd/sdk/coordination.hpp"
#include "pg_session_pool.hpp"

namespace notifyd::core {

/// `sdk::Ephemeral` over the `ephemeral` and `counters` tables that replicas
/// share (schema version 2). Expiry is judged by the database's clock, so
/// replicas with skewed clocks agree. `take` is one
/// `DELETE … RETURNING`: of concurrent takers exactly one gets the row.
/// Expired rows are swept by whichever call comes first after `sweep_period`.
class PgEphemeral final : public sdk::Ephemeral {
 public:
  /// Largest value kept (1 MiB): these are session records and codes.
  static constexpr std::size_t max_value_bytes = 1u << 20;
  static constexpr std::chrono::milliseconds sweep_period{60000};

  explicit PgEphemeral(PgSessionPool& pool) : pool_(pool) {}

  sdk::Status put(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) noexcept override;
  sdk::Result<bool> put_if_absent(std::string_view key, std::string_view value,
                                  std::chrono::milliseconds ttl) noexcept override;
  sdk::Result<std::optional<std::string>> get(std::string_view key) const noexcept override;
  sdk::Result<std::optional<std::string>> take(std::string_view key) noexcept override;
  sdk::Status remove(std::string_view key) noexcept override;
  sdk::Result<std::uint64_t> count(std::string_view key, std::chrono::milliseconds window,
                                   std::uint64_t amount = 1) noexcept override;

 private:
  /// Runs `sql` (a value in binary when asked) after sweeping when it is time.
  sdk::Result<PgRows> run(const std::string& sql, const std::vector<PgParam>& params) const;

  PgSessionPool& pool_;
  mutable std::atomic<std::int64_t> next_sweep_ns_{0};
};

}  // namespace notifyd::core
