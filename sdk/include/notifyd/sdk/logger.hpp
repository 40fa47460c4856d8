#pragma once

#include <sstream>
#include <string_view>

namespace notifyd::sdk {

/// Severity of a log line.
enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

/// A logger whose lines are prefixed with the plugin's `kind:name`. Handed to
/// each plugin by the host; safe to call from any thread. Every line passes
/// through the host's secret redaction, so a token never reaches the log.
class Logger {
 public:
  virtual ~Logger() = default;
  /// Writes one line at `level`; newlines in `message` are escaped.
  virtual void write(LogLevel level, std::string_view message) noexcept = 0;
  /// True when lines at `level` are written (skip expensive formatting otherwise).
  virtual bool enabled(LogLevel level) const noexcept = 0;

  /// Joins the arguments with `operator<<` and writes them at debug level.
  template <class... Args>
  void debug(const Args&... args) noexcept { emit(LogLevel::debug, args...); }
  /// Same, at info level.
  template <class... Args>
  void info(const Args&... args) noexcept { emit(LogLevel::info, args...); }
  /// Same, at warn level.
  template <class... Args>
  void warn(const Args&... args) noexcept { emit(LogLevel::warn, args...); }
  /// Same, at error level.
  template <class... Args>
  void error(const Args&... args) noexcept { emit(LogLevel::error, args...); }

 private:
  template <class... Args>
  void emit(LogLevel level, const Args&... args) noexcept {
    if (!enabled(level)) return;
    try {
      std::ostringstream line;
      (line << ... << args);
      write(level, line.str());
    } catch (...) {
      write(level, "(log line could not be formatted)");
    }
  }
};

}  // namespace notifyd::sdk
