#pragma once
// Result types used at every plugin boundary: nothing throws across a .so.

#include <optional>
#include <string>
#include <utility>

namespace notifyd::sdk {

/// Outcome of an operation that returns nothing: ok, or a message saying what failed.
/// Returned by plugin lifecycle calls (`configure`, `start`) and host services.
struct Status {
  bool ok = true;
  std::string message;

  /// A successful status.
  static Status success() { return {}; }
  /// A failed status carrying a message meant for a log line or an API error.
  static Status failure(std::string message) { return {false, std::move(message)}; }
  /// True when the operation succeeded.
  explicit operator bool() const noexcept { return ok; }
};

/// A value or an error message. Used where a boundary call produces something.
template <class T>
class Result {
 public:
  /// A successful result holding `value`.
  Result(T value) : value_(std::move(value)) {}
  /// A failed result; build one with `Result<T>::failure("why")`.
  static Result failure(std::string message) { return Result(std::move(message), 0); }

  /// True when a value is present.
  bool ok() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  /// The value; only valid when `ok()`.
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  /// Why it failed; empty when `ok()`.
  const std::string& error() const noexcept { return error_; }

 private:
  Result(std::string message, int) : error_(std::move(message)) {}
  std::optional<T> value_;
  std::string error_;
};

}  // namespace notifyd::sdk
