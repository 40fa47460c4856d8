#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "notifyd/sdk/document_store.hpp"
#include "notifyd/sdk/logger.hpp"

namespace notifyd::core {

/// When each (user, check) last produced a notification, kept as the seed's
/// state files do: `cooldowns/<user>/<check>.json` = `{"last_sent": <unix>}`
/// in the data directory, or in the replicas' shared documents. Thread-safe.
class CooldownLedger {
 public:
  /// How long `last_sent` serves a value from memory: other replicas stamp
  /// the same documents.
  static constexpr std::chrono::seconds cache_for{10};

  CooldownLedger(sdk::DocumentStore& documents, sdk::Logger& log) : documents_(documents), log_(log) {}
  /// Unix seconds of the last notification, 0 = never; at most `cache_for`
  /// old (for listings).
  std::int64_t last_sent(std::string_view user, std::string_view check);
  /// The same, read from the document now (for the cooldown decision).
  std::int64_t current(std::string_view user, std::string_view check);
  /// Records a notification sent at `unix_seconds` (written atomically).
  void record(std::string_view user, std::string_view check, std::int64_t unix_seconds);

 private:
  struct Cached {
    std::int64_t last_sent = 0;
    std::chrono::steady_clock::time_point read_at;
  };

  static std::string document_name(std::string_view user, std::string_view check);
  /// Reads `name` into the cache; the value held before when it cannot be read. Under `mutex_`.
  std::int64_t read(const std::string& name);

  sdk::DocumentStore& documents_;
  sdk::Logger& log_;
  std::mutex mutex_;
  std::map<std::string, Cached, std::less<>> cache_;
};

}  // namespace notifyd::core
