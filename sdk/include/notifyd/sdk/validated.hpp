#pragma once

#include <optional>
#include <utility>

#include "notifyd/sdk/http.hpp"

namespace notifyd::sdk {

/// A value checked from an untrusted request, or the HTTP error response to
/// send instead (`{"error": "..."}` with its status). Produced by pure
/// parsing and checking functions (the send bodies of `api/send_requests.hpp`,
/// a front-end's own checks); used on the thread that parsed it.
template <class T>
class Validated {
 public:
  /// A valid value.
  Validated(T value) : value_(std::move(value)) {}
  /// A refusal: `error` is what the client is answered.
  Validated(HttpResponse error) : error_(std::move(error)) {}

  /// True when a value is present.
  bool ok() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  /// The value; only valid when `ok()`.
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  /// The error response; only meaningful when not `ok()`.
  const HttpResponse& error() const& noexcept { return error_; }
  HttpResponse&& error() && noexcept { return std::move(error_); }

 private:
  std::optional<T> value_;
  HttpResponse error_;
};

}  // namespace notifyd::sdk
