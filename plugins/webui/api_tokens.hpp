#pragma once
// Per-user API tokens: what lets a program on another machine publish to its
// owner with `Authorization: Bearer <token>` on the web listener.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/api/token_codecs.hpp"
#include "notifyd/sdk/document_store.hpp"
#include "notifyd/sdk/status.hpp"
#include "session_store.hpp"

namespace notifyd::webui {

/// A token as it is made: shown to its owner once, then only its digest is kept.
struct IssuedToken {
  std::string token;  ///< `nd_` + id + secret
  sdk::api::ApiTokenInfo info;
};

/// What `ApiTokens::authenticate` found.
struct TokenCheck {
  enum class State { valid, unknown, expired } state = State::unknown;
  std::string user;  ///< the owner when valid
  std::string id;    ///< the token's id when valid or expired
};

/// The API tokens of every user, in one shared document (`api_tokens.json`:
/// a file in the data directory on one host, a row of the shared database
/// with replicas), so a token made on one replica works on all and a
/// revocation reaches all at once. A token is `nd_`, 12 hex digits of public
/// id and 43 base64url characters of secret (32 random bytes); the document
/// keeps its SHA-256 digest, its owner, label, creation and optional expiry.
/// Tokens may only send to their owner (the "send" scope). Each call reads
/// or updates the document (blocking): call from a handler that may block.
/// Thread-safe.
class ApiTokens {
 public:
  /// Name of the document in the data directory.
  static constexpr std::string_view document_name = "api_tokens.json";
  /// Most tokens one user keeps (expired ones included until revoked).
  static constexpr std::size_t max_per_user = 50;
  /// Longest label.
  static constexpr std::size_t max_name_bytes = 100;

  explicit ApiTokens(sdk::DocumentStore& documents, WallClock clock = {});

  /// Makes a token for `user` named `name`, expiring at `expires_ms` (Unix
  /// epoch milliseconds; 0 = never). Nullopt when `user` has `max_per_user`
  /// tokens already. A failure when the document cannot be read or written.
  sdk::Result<std::optional<IssuedToken>> create(const std::string& user, std::string name, std::int64_t expires_ms);
  /// The tokens of `user`, oldest first, with `expired` set as of now.
  sdk::Result<std::vector<sdk::api::ApiTokenInfo>> list(std::string_view user) const;
  /// Removes token `id` of `user`; false when `user` has no such token.
  sdk::Result<bool> revoke(std::string_view user, std::string_view id);
  /// Whose token `token` (as presented) is, if it is one and has not expired.
  sdk::Result<TokenCheck> authenticate(std::string_view token) const;

 private:
  std::int64_t now_ms() const;

  sdk::DocumentStore& documents_;
  WallClock clock_;
};

/// Success when `name` can label a token: at most `ApiTokens::max_name_bytes`
/// bytes of UTF-8 without control characters; else why not.
sdk::Status check_token_name(std::string_view name);

/// Reads a token's lifetime as a person gives it, relative to `now_ms`: a
/// duration (`30d`, `12h`, `1h30m`), a date (`2027-01-31`, end of that day
/// UTC) or an ISO-8601 time; empty or `never` is 0 (never). A failure saying
/// why when it cannot be read or lies in the past.
sdk::Result<std::int64_t> parse_token_expiry(std::string_view text, std::int64_t now_ms);

}  // namespace notifyd::webui
