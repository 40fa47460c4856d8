#include "pg_ephemeral.hpp"

namespace notifyd::core {
namespace {

sdk::Status check_key(std::string_view key) {
  if (key.empty()) return sdk::Status::failure("an ephemeral key must not be empty");
  if (key.find('\0') != std::string_view::npos) return sdk::Status::failure("an ephemeral key must not contain NUL");
  return sdk::Status::success();
}

sdk::Status check_value(std::string_view value, std::chrono::milliseconds ttl) {
  if (value.size() > PgEphemeral::max_value_bytes) {
    return sdk::Status::failure("an ephemeral value must not be larger than " +
                                std::to_string(PgEphemeral::max_value_bytes) + " bytes");
  }
  if (ttl.count() <= 0) return sdk::Status::failure("an ephemeral key's time to live must be positive");
  return sdk::Status::success();
}

// The expiry `$3` milliseconds from the database's now.
constexpr std::string_view expiry = "clock_timestamp() + $3::bigint * interval '1 millisecond'";

std::optional<std::string> first_value(const PgRows& rows) {
  if (rows.rows.empty()) return std::nullopt;
  return rows.rows.front().at(0);
}

}  // namespace

sdk::Result<PgRows> PgEphemeral::run(const std::string& sql, const std::vector<PgParam>& params) const {
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  auto due = next_sweep_ns_.load();
  const bool sweep = now >= due && next_sweep_ns_.compare_exchange_strong(
                                       due, now + std::chrono::duration_cast<std::chrono::nanoseconds>(sweep_period).count());
  return pool_.with([&](PgSession& session) -> sdk::Result<PgRows> {
    if (sweep) {
      // A failed sweep is retried by the next one; the call itself must not fail for it.
      session.exec("DELETE FROM ephemeral WHERE expires_at <= clock_timestamp()");
      session.exec("DELETE FROM counters WHERE expires_at <= clock_timestamp()");
    }
    return session.exec(sql, params, true);
  });
}

sdk::Status PgEphemeral::put(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) noexcept {
  try {
    if (auto valid = check_key(key); !valid) return valid;
    if (auto valid = check_value(value, ttl); !valid) return valid;
    auto done = run("INSERT INTO ephemeral(key, value, expires_at) VALUES ($1, $2, " + std::string(expiry) +
                        ") ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
                    {std::string(key), PgParam::bytes(std::string(value)), std::to_string(ttl.count())});
    return done ? sdk::Status::success() : sdk::Status::failure("cannot set ephemeral key: " + done.error());
  } catch (const std::exception& e) {
    return sdk::Status::failure(e.what());
  }
}

sdk::Result<bool> PgEphemeral::put_if_absent(std::string_view key, std::string_view value,
                                             std::chrono::milliseconds ttl) noexcept {
  using R = sdk::Result<bool>;
  try {
    if (auto valid = check_key(key); !valid) return R::failure(valid.message);
    if (auto valid = check_value(value, ttl); !valid) return R::failure(valid.message);
    auto done = run("INSERT INTO ephemeral AS e (key, value, expires_at) VALUES ($1, $2, " + std::string(expiry) +
                        ") ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at "
                        "WHERE e.expires_at <= clock_timestamp() RETURNING 1",
                    {std::string(key), PgParam::bytes(std::string(value)), std::to_string(ttl.count())});
    if (!done) return R::failure("cannot set ephemeral key: " + done.error());
    return !done.value().rows.empty();
  } catch (const std::exception& e) {
    return R::failure(e.what());
  }
}

sdk::Result<std::optional<std::string>> PgEphemeral::get(std::string_view key) const noexcept {
  using R = sdk::Result<std::optional<std::string>>;
  try {
    if (auto valid = check_key(key); !valid) return R::failure(valid.message);
    auto found = run("SELECT value FROM ephemeral WHERE key = $1 AND expires_at > clock_timestamp()", {std::string(key)});
    if (!found) return R::failure("cannot read ephemeral key: " + found.error());
    return first_value(found.value());
  } catch (const std::exception& e) {
    return R::failure(e.what());
  }
}

sdk::Result<std::optional<std::string>> PgEphemeral::take(std::string_view key) noexcept {
  using R = sdk::Result<std::optional<std::string>>;
  try {
    if (auto valid = check_key(key); !valid) return R::failure(valid.message);
    auto taken = run("DELETE FROM ephemeral WHERE key = $1 AND expires_at > clock_timestamp() RETURNING value",
                     {std::string(key)});
    if (!taken) return R::failure("cannot take ephemeral key: " + taken.error());
    return first_value(taken.value());
  } catch (const std::exception& e) {
    return R::failure(e.what());
  }
}

sdk::Status PgEphemeral::remove(std::string_view key) noexcept {
  try {
    if (auto valid = check_key(key); !valid) return valid;
    auto removed = run("DELETE FROM ephemeral WHERE key = $1", {std::string(key)});
    return removed ? sdk::Status::success() : sdk::Status::failure("cannot remove ephemeral key: " + removed.error());
  } catch (const std::exception& e) {
    return sdk::Status::failure(e.what());
  }
}

sdk::Result<std::uint64_t> PgEphemeral::count(std::string_view key, std::chrono::milliseconds window,
                                              std::uint64_t amount) noexcept {
  using R = sdk::Result<std::uint64_t>;
  try {
    if (auto valid = check_key(key); !valid) return R::failure(valid.message);
    if (window.count() <= 0) return R::failure("a counter's window must be positive");
    // The window is the database's: windows start at multiples of $2 ms since the epoch.
    auto counted = run(
        "INSERT INTO counters AS c (key, window_start, total, expires_at) "
        "SELECT $1, w.start, $3::bigint, to_timestamp((w.start + $2::bigint) / 1000.0) FROM "
        "(SELECT (floor(extract(epoch FROM clock_timestamp()) * 1000 / $2::bigint) * $2::bigint)::bigint AS start) w "
        "ON CONFLICT (key, window_start) DO UPDATE SET total = c.total + excluded.total RETURNING total::text",
        {std::string(key), std::to_string(window.count()), std::to_string(amount)});
    if (!counted) return R::failure("cannot count " + std::string(key) + ": " + counted.error());
    return static_cast<std::uint64_t>(std::stoull(first_value(counted.value()).value_or("0")));
  } catch (const std::exception& e) {
    return R::failure(e.what());
  }
}

}  // namespace notifyd::core
