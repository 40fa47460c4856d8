#pragma once
// A few blocking PostgreSQL sessions shared by the threads that call the
// coordination's blocking services (documents, ephemeral keys): each call
// borrows one session for its statements, waiting while all are in use.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "notifyd/sdk/cluster_view.hpp"
#include "notifyd/sdk/status.hpp"
#include "pg_session.hpp"

namespace notifyd::core {

class PgSessionPool {
 public:
  /// `size` sessions (at least one) to `dsn`, each statement bounded by
  /// `statement_timeout`, shown as `application_name` in `pg_stat_activity`.
  /// Sessions connect when first used.
  PgSessionPool(std::string dsn, std::size_t size, std::chrono::milliseconds statement_timeout,
                std::string application_name);
  PgSessionPool(const PgSessionPool&) = delete;
  PgSessionPool& operator=(const PgSessionPool&) = delete;

  /// Each session's state for health, named `<name>-1`, `<name>-2`, ...:
  /// `unused` (since the pool was made) until a call first borrows it, then
  /// as its last statement left it (`PgSession::state`). Any thread.
  std::vector<sdk::EngineConnection> states(const std::string& name) const;

  /// Runs `work` with a session of its own; returns what `work` returns.
  template <class Work>
  auto with(Work&& work) -> decltype(work(std::declval<PgSession&>())) {
    Borrowed borrowed(*this);
    return work(*borrowed.session);
  }

  /// Runs `work` inside BEGIN … COMMIT; rolls back when `work` fails (or
  /// the commit does), so nothing of it stays.
  template <class T>
  sdk::Result<T> transaction(const std::function<sdk::Result<T>(PgSession&)>& work) {
    return with([&](PgSession& session) -> sdk::Result<T> {
      if (auto begun = session.exec("BEGIN"); !begun) return sdk::Result<T>::failure(begun.error());
      auto result = sdk::Result<T>::failure("interrupted");
      try {
        result = work(session);
      } catch (const std::exception& e) {
        result = sdk::Result<T>::failure(e.what());
      }
      if (!result) {
        session.exec("ROLLBACK");
        return result;
      }
      if (auto committed = session.exec("COMMIT"); !committed) {
        session.exec("ROLLBACK");
        return sdk::Result<T>::failure(committed.error());
      }
      return result;
    });
  }

 private:
  struct Borrowed {
    explicit Borrowed(PgSessionPool& pool);
    ~Borrowed();
    PgSessionPool& pool;
    PgSession* session;
  };

  std::vector<std::unique_ptr<PgSession>> sessions_;
  std::int64_t made_at_ms_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<PgSession*> idle_;                ///< under mutex_, as is used_
  std::unordered_set<const PgSession*> used_;  ///< borrowed at least once
};

}  // namespace notifyd::core
