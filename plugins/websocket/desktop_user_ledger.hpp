#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "notifyd/sdk/document_store.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::websocket {

/// The users who use the desktop app: each with the expiry of the latest
/// desktop token seen for them (issued by the token route or presented by an
/// app). A user counts as reachable until that expiry, connected or not, so a
/// notification waits for an app that is asleep; a user who never had a token
/// is not reachable through this channel. Kept in a JSON document
/// (`{"alice": {"expires_at": <unix seconds>}}`) so it survives restarts.
/// Replicas share the document: each saves its records merged with what the
/// document holds, and merges the document in again when it changes.
/// Thread-safe.
class DesktopUserLedger {
 public:
  /// Merges `document` from `store` in (the later expiry of each user wins);
  /// expired entries are dropped. An error when the document exists but
  /// cannot be read or is not such an object.
  sdk::Status load(const sdk::DocumentStore& store, std::string_view document, std::int64_t now);
  /// Merges the records of a document's `text` in, as `load`; false (and
  /// nothing merged) when it is not a JSON object.
  bool merge(std::string_view text, std::int64_t now);
  /// Records that `user` holds a token valid until `expires_at` (Unix
  /// seconds). True when that extended the record, so it should be saved.
  bool record(std::string_view user, std::int64_t expires_at);
  /// True when `user` holds a token that is still valid at `now`.
  bool holds_token(std::string_view user, std::int64_t now) const;
  /// Writes the records still valid at `now` to `document`, merged with the
  /// records it holds (another replica's), in one `update`.
  sdk::Status save(sdk::DocumentStore& store, std::string_view document, std::int64_t now);
  /// The records as the document stores them.
  std::string to_json(std::int64_t now) const;
  /// Users recorded, expired or not.
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::int64_t, std::less<>> expires_at_;
};

}  // namespace notifyd::websocket
