#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "code_generator.hpp"
#include "notifyd/sdk/document_store.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::telegram {

/// A code waiting to be entered, as `pending_codes.json` keeps it.
struct PendingCode {
  std::int64_t chat_id = 0;
  std::int64_t created_at = 0;  ///< Unix seconds
};

/// Every pending code, by code.
using PendingCodes = std::map<std::string, PendingCode, std::less<>>;

/// Parses the seed's `{"123456": {"chat_id": 123, "created_at": <unix>}}`;
/// unusable entries are skipped.
sdk::Result<PendingCodes> parse_pending_codes(std::string_view text);
/// Writes codes in the same format.
std::string serialize_pending_codes(const PendingCodes& codes);
/// True when `code` is six ASCII digits.
bool is_code_shaped(std::string_view code) noexcept;

/// The `/start` codes: one per chat, single use, expiring after `ttl`. The
/// file is the only copy: the seed's web dashboard redeems codes from it too,
/// so every issue and redeem is a read-merge-write of the file as it is now,
/// and a code that is gone from the file is gone. Used from the plugin's strand only.
class VerificationCodes {
 public:
  VerificationCodes(sdk::DocumentStore& store, std::string file, std::chrono::seconds ttl, CodeSource source);

  /// Checks that the file can be read. A corrupt file is reported; the next
  /// issue replaces it (codes are short-lived; nothing of value is lost).
  sdk::Status load();
  /// A fresh code for `chat`, replacing the chat's earlier one; saved before
  /// it is returned, fenced with `fence` when it names a holding (the bot's
  /// leader issues codes: a replica whose lease passed on saves none).
  sdk::Result<std::string> issue(std::int64_t chat, std::int64_t now, const sdk::Fence& fence = {});
  /// Consumes `code` when it is pending and not expired; the chat it was
  /// issued to. The removal is saved before the chat is returned.
  sdk::Result<std::optional<std::int64_t>> redeem(std::string_view code, std::int64_t now);
  /// Codes pending now (expired ones excluded).
  std::size_t size(std::int64_t now) const;

 private:
  bool expired(const PendingCode& code, std::int64_t now) const noexcept;
  // The codes in the file now; a corrupt file reads as none.
  PendingCodes current() const;

  sdk::DocumentStore& store_;
  std::string file_;
  std::chrono::seconds ttl_;
  CodeSource source_;
};

}  // namespace notifyd::telegram
