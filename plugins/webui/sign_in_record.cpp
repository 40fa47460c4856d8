#include "sign_in_record.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notifyd/sdk/epoch_time.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/user_name.hpp"
#include "random_token.hpp"

namespace notifyd::webui {

std::string sign_in_records_json(const std::vector<SignInRecord>& records) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartArray();
  for (const auto& record : records) {
    writer.StartObject();
    writer.Key("digest");
    writer.String(record.digest.data(), static_cast<rapidjson::SizeType>(record.digest.size()));
    writer.Key("user");
    writer.String(record.user.data(), static_cast<rapidjson::SizeType>(record.user.size()));
    if (record.created) {
      writer.Key("created_ms");
      writer.Int64(sdk::epoch_ms_of(*record.created));
    }
    writer.Key("expires_ms");
    writer.Int64(sdk::epoch_ms_of(record.expires));
    writer.EndObject();
  }
  writer.EndArray();
  return {buffer.GetString(), buffer.GetSize()};
}

std::vector<SignInRecord> parse_sign_in_records(const std::string& json_array, bool need_created) {
  std::vector<SignInRecord> records;
  rapidjson::Document document;
  if (!sdk::parse_json(json_array, document) || !document.IsArray()) return records;
  for (const auto& item : document.GetArray()) {
    auto digest = sdk::json_string(item, "digest");
    auto user = sdk::json_string(item, "user");
    const auto created = sdk::json_int64(item, "created_ms");
    const auto expires = sdk::json_int64(item, "expires_ms");
    if (!digest || !user || !expires || (need_created && !created)) continue;
    if (!looks_like_token(*digest) || !sdk::is_valid_user_name(*user)) continue;
    SignInRecord record{std::move(*digest), std::move(*user), std::nullopt, sdk::time_point_of_epoch_ms(*expires)};
    if (created) record.created = sdk::time_point_of_epoch_ms(*created);
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace notifyd::webui
