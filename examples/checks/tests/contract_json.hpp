#pragma once
// A native check's result written as the script contract's JSON object, so a
// test can prove it parses exactly like a script's stdout.

#include <string>

#include "notifyd/sdk/check_result.hpp"
#include "notifyd/sdk/http.hpp"

namespace notifyd::examples::testing {

/// `result` as one JSON object of the contract (`cooldown` in minutes).
inline std::string contract_json(const sdk::CheckResult& result) {
  std::string json = std::string("{\"notify\":") + (result.notify ? "true" : "false");
  if (!result.title.empty()) json += ",\"title\":" + sdk::json_quote(result.title);
  if (!result.message.empty()) json += ",\"message\":" + sdk::json_quote(result.message);
  if (!result.image_path.empty()) json += ",\"image_path\":" + sdk::json_quote(result.image_path);
  json += ",\"cooldown\":\"" + std::to_string(result.cooldown.count() / 60) + "m\"";
  if (!result.data_json.empty()) json += ",\"data\":" + result.data_json;
  return json + "}";
}

}  // namespace notifyd::examples::testing
