#include "pg_session_pool.hpp"

#include <algorithm>

#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::core {

PgSessionPool::PgSessionPool(std::string dsn, std::size_t size, std::chrono::milliseconds statement_timeout,
                             std::string application_name)
    : made_at_ms_(sdk::now_epoch_ms()) {
  for (std::size_t i = 0; i < std::max<std::size_t>(size, 1); ++i) {
    sessions_.push_back(std::make_unique<PgSession>(dsn, statement_timeout, std::chrono::seconds(5), application_name));
    idle_.push_back(sessions_.back().get());
  }
}

PgSessionPool::Borrowed::Borrowed(PgSessionPool& pool_in) : pool(pool_in) {
  std::unique_lock lock(pool.mutex_);
  pool.returned_.wait(lock, [&] { return !pool.idle_.empty(); });
  session = pool.idle_.back();
  pool.idle_.pop_back();
  pool.used_.insert(session);
}

PgSessionPool::Borrowed::~Borrowed() {
  {
    std::lock_guard lock(pool.mutex_);
    pool.idle_.push_back(session);
  }
  pool.returned_.notify_one();
}

std::vector<sdk::EngineConnection> PgSessionPool::states(const std::string& name) const {
  std::vector<sdk::EngineConnection> out;
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < sessions_.size(); ++i) {
    std::string label = name + "-" + std::to_string(i + 1);
    if (used_.contains(sessions_[i].get())) {
      out.push_back(sessions_[i]->state(std::move(label)));
    } else {
      out.push_back({std::move(label), "unused", made_at_ms_, {}});
    }
  }
  return out;
}

}  // namespace notifyd::core
