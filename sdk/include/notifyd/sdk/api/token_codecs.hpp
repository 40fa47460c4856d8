#pragma once
// Answers about a user's API tokens, the bearer tokens that publish over the
// web listener's `POST /v1/notify` (`/v1/tokens` on the unix socket). Served
// by the webui plugin, decoded by notifyctl.

#include <cstdint>
#include <string>
#include <vector>

#include "notifyd/sdk/api/json_codec.hpp"

namespace notifyd::sdk::api {

/// One API token as its owner sees it, never the token itself:
/// `{"id","name","user","created_at","expires_at","expired"}`; `expires_at`
/// null when it never expires.
struct ApiTokenInfo {
  std::string id;              ///< public, what `DELETE /v1/tokens/<id>` names
  std::string name;            ///< the owner's label; may be empty
  std::string user;            ///< the owner, the only recipient the token can send to
  std::int64_t created_at = 0; ///< Unix epoch milliseconds
  std::int64_t expires_at = 0; ///< Unix epoch milliseconds; 0 = never
  bool expired = false;        ///< past `expires_at` when answered
};

/// `GET /v1/tokens`: `{"tokens":[<ApiTokenInfo>...]}`, oldest first.
struct ApiTokenList {
  std::vector<ApiTokenInfo> tokens;
};

/// `POST /v1/tokens`: `{"token","issued":<ApiTokenInfo>}`. The only answer
/// that carries the token: notifyd keeps a digest of it.
struct IssuedApiToken {
  std::string token;
  ApiTokenInfo issued;
};

NOTIFYD_API_JSON_CODEC(ApiTokenInfo);

NOTIFYD_API_JSON_CODEC(ApiTokenList);

NOTIFYD_API_JSON_CODEC(IssuedApiToken);

}  // namespace notifyd::sdk::api
