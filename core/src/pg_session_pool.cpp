#include "pg_session_pool.hpp"

#include <algorithm>

namespace notifyd::core {

PgSessionPool::PgSessionPool(std::string dsn, std::size_t size, std::chrono::milliseconds statement_timeout,
                             std::string application_name) {
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
}

PgSessionPool::Borrowed::~Borrowed() {
  {
    std::lock_guard lock(pool.mutex_);
    pool.idle_.push_back(session);
  }
  pool.returned_.notify_one();
}

}  // namespace notifyd::core
