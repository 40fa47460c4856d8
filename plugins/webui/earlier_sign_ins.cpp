#include "earlier_sign_ins.hpp"

#include <rapidjson/document.h>

#include "notifyd/sdk/epoch_time.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/user_name.hpp"
#include "random_token.hpp"

namespace notifyd::webui {
namespace {

struct Record {
  std::string digest;
  std::string user;
  std::optional<std::int64_t> created_ms;
  std::int64_t expires_ms = 0;
};

// The items of the file's array `name` ({"digest","user","created_ms"?,"expires_ms"})
// that name a token digest and a user.
std::vector<Record> records_of(const rapidjson::Value& document, std::string_view name) {
  std::vector<Record> records;
  const auto* array = sdk::json_member(document, name);
  if (!array || !array->IsArray()) return records;
  for (const auto& item : array->GetArray()) {
    auto digest = sdk::json_string(item, "digest");
    auto user = sdk::json_string(item, "user");
    const auto expires = sdk::json_int64(item, "expires_ms");
    if (!digest || !user || !expires || !looks_like_token(*digest) || !sdk::is_valid_user_name(*user)) continue;
    records.push_back({std::move(*digest), std::move(*user), sdk::json_int64(item, "created_ms"), *expires});
  }
  return records;
}

}  // namespace

void adopt_earlier_sign_ins(sdk::DocumentStore& documents, const std::string& instance, SessionStore& sessions,
                            LoginLinks& links, sdk::Logger& log) {
  const std::string name = "webui/" + instance + ".json";
  const auto content = documents.read(name);
  if (!content) {
    log.error("cannot read the sign-ins an earlier notifyd saved (", content.error(), ")");
    return;
  }
  if (!content.value()) return;
  rapidjson::Document document;
  std::size_t kept_sessions = 0;
  std::size_t kept_links = 0;
  if (!sdk::parse_json(*content.value(), document) || !document.IsObject()) {
    log.error(name, " in the data directory is not a sign-in file; removing it");
  } else {
    for (auto& record : records_of(document, "sessions")) {
      if (!record.created_ms) continue;
      const auto kept = sessions.adopt(record.digest, std::move(record.user),
                                       sdk::time_point_of_epoch_ms(*record.created_ms),
                                       sdk::time_point_of_epoch_ms(record.expires_ms));
      if (!kept) return log.error(kept.error(), "; ", name, " stays for the next start");
      if (kept.value()) ++kept_sessions;
    }
    for (const auto& record : records_of(document, "login_links")) {
      const auto kept = links.adopt(record.digest, record.user, sdk::time_point_of_epoch_ms(record.expires_ms));
      if (!kept) return log.error(kept.error(), "; ", name, " stays for the next start");
      if (kept.value()) ++kept_links;
    }
    log.info("kept ", kept_sessions, " session(s) and ", kept_links, " login link(s) saved by an earlier notifyd");
  }
  if (auto removed = documents.remove(name); !removed) log.error("cannot remove ", name, ": ", removed.message);
}

}  // namespace notifyd::webui
