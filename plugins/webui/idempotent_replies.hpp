#pragma once
// `Idempotency-Key` on the web listener's `POST /v1/notify`: a retried
// request answers what the first one did and publishes nothing.

#include <chrono>
#include <string>
#include <string_view>

#include "notifyd/sdk/coordination.hpp"
#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::webui {

/// What `IdempotentReplies::claim` found.
struct IdempotencyClaim {
  enum class State {
    first,      ///< this request is the first with its key: publish, then `record` or `release`
    replay,     ///< an earlier request finished: answer `reply`
    in_flight,  ///< an earlier request with the key is still being published
  } state = State::first;
  sdk::HttpResponse reply;  ///< the first answer, for `replay`
};

/// The answers given to requests with an `Idempotency-Key`, per token owner,
/// in the replicas' ephemeral keys: whichever replica a retry reaches finds
/// the claim or the answer (`Ephemeral::put_if_absent` lets exactly one of
/// concurrent requests publish). An answer is kept `answer_ttl` (24 h); a
/// claim whose request never finished (its replica stopped) lapses after
/// `claim_ttl`. A key is a digest of the owner's key, never the key. Each
/// call is one blocking round trip to the keys. Thread-safe.
class IdempotentReplies {
 public:
  static constexpr std::chrono::milliseconds answer_ttl = std::chrono::hours(24);
  static constexpr std::chrono::milliseconds claim_ttl = std::chrono::minutes(10);

  IdempotentReplies(sdk::Ephemeral& keys, std::string instance);

  /// Claims `key` of `owner` for this request, or finds what became of it.
  sdk::Result<IdempotencyClaim> claim(std::string_view owner, std::string_view key);
  /// Keeps `reply` as the answer to every later request with `key` of `owner`.
  sdk::Status record(std::string_view owner, std::string_view key, const sdk::HttpResponse& reply);
  /// Gives a claim up (the request failed in a way a retry may fix).
  sdk::Status release(std::string_view owner, std::string_view key);

 private:
  std::string key_of(std::string_view owner, std::string_view key) const;

  sdk::Ephemeral& keys_;
  const std::string prefix_;
};

}  // namespace notifyd::webui
