#pragma once

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
/// in the data directory. Thread-safe; reads are served from memory after the
/// first look-up.
class CooldownLedger {
 public:
  CooldownLedger(sdk::DocumentStore& documents, sdk::Logger& log) : documents_(documents), log_(log) {}
  /// Unix seconds of the last notification, 0 = never.
  std::int64_t last_sent(std::string_view user, std::string_view check);
  /// Records a notification sent at `unix_seconds` (written atomically).
  void record(std::string_view user, std::string_view check, std::int64_t unix_seconds);

 private:
  static std::string document_name(std::string_view user, std::string_view check);

  sdk::DocumentStore& documents_;
  sdk::Logger& log_;
  std::mutex mutex_;
  std::map<std::string, std::int64_t, std::less<>> cache_;
};

}  // namespace notifyd::core
