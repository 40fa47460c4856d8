#pragma once
// One saved sign-in, a session or a pending login link, as the sign-in file
// holds it: the digest of its token (never the token), its user and its times.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace notifyd::webui {

/// A session or a pending login link, for saving.
struct SignInRecord {
  std::string digest;  ///< token_digest of the token
  std::string user;
  std::optional<std::chrono::system_clock::time_point> created;  ///< sessions only
  std::chrono::system_clock::time_point expires;
};

/// `records` as a JSON array of `{"digest","user","created_ms"?,"expires_ms"}`.
std::string sign_in_records_json(const std::vector<SignInRecord>& records);

/// The records of an array `sign_in_records_json` wrote whose digest looks
/// like a token and whose user is a user name; with `need_created`, only those
/// with `created_ms`. Anything else (not JSON, not an array, other items) is skipped.
std::vector<SignInRecord> parse_sign_in_records(const std::string& json_array, bool need_created);

}  // namespace notifyd::webui
