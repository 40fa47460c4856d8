#pragma once
// The answer when shared state (the replicas' keys, a shared document) cannot
// be reached for a moment.

#include <string>
#include <string_view>

#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/logger.hpp"

namespace notifyd::webui {

/// 503 `{"error":"<what> unavailable for a moment; try again"}` with
/// `Retry-After: 5`; `why` goes to `log` as an error.
inline sdk::HttpResponse briefly_unavailable(sdk::Logger& log, std::string_view why, std::string_view what) {
  log.error(why);
  auto response = sdk::HttpResponse::error(503, std::string(what) + " unavailable for a moment; try again");
  response.headers.emplace_back("Retry-After", "5");
  return response;
}

}  // namespace notifyd::webui
