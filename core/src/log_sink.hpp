#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/logger.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::core {

/// Writes log lines to stderr, one `write(2)` per line:
/// `2026-11-25T14:09:41.123Z info  channel:console: message`.
/// Every registered secret is replaced by `[redacted]` before a line leaves.
class LogSink {
 public:
  void set_level(sdk::LogLevel level) noexcept { level_.store(level); }
  /// Drops every line while set (`--check-config` prints its findings itself).
  void set_quiet(bool quiet) noexcept { quiet_.store(quiet); }
  sdk::LogLevel level() const noexcept { return level_.load(); }
  /// True when lines at `level` are written.
  bool enabled(sdk::LogLevel level) const noexcept { return !quiet_.load() && level >= level_.load(); }
  /// Registers a secret (and its URL-encoded form) to redact from every line.
  void add_secret(std::string_view secret);
  /// `text` with every registered secret redacted.
  std::string redact(std::string_view text) const;
  void write(sdk::LogLevel level, std::string_view prefix, std::string_view message) noexcept;
  /// Sends lines to `path` (appending) instead of stderr; empty = stderr.
  sdk::Status open_file(const std::string& path);
  /// Reopens the log file (after logrotate moved it); a no-op on stderr.
  sdk::Status reopen();

 private:
  std::mutex file_mutex_;
  std::string file_path_;
  std::atomic<int> fd_{2};
  std::atomic<sdk::LogLevel> level_{sdk::LogLevel::info};
  std::atomic<bool> quiet_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> secrets_;
};

/// The logger handed to a plugin or core component: lines prefixed `kind:name`.
class PrefixedLogger final : public sdk::Logger {
 public:
  PrefixedLogger(LogSink& sink, std::string prefix) : sink_(sink), prefix_(std::move(prefix)) {}
  void write(sdk::LogLevel level, std::string_view message) noexcept override { sink_.write(level, prefix_, message); }
  bool enabled(sdk::LogLevel level) const noexcept override { return sink_.enabled(level); }

 private:
  LogSink& sink_;
  std::string prefix_;
};

/// Parses `debug`, `info`, `warn`, `error`.
bool parse_log_level(std::string_view text, sdk::LogLevel& level) noexcept;

}  // namespace notifyd::core
