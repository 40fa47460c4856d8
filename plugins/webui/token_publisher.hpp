#pragma once
// `POST /v1/notify` on the web listener, for programs on other machines:
// `Authorization: Bearer <API token>`, the socket API's body (or plain text
// with ntfy-style headers), `Idempotency-Key`, per-token rate limits.

#include <memory>

#include "api_tokens.hpp"
#include "idempotent_replies.hpp"
#include "notifyd/sdk/host.hpp"
#include "notifyd/sdk/http.hpp"
#include "publish_rate.hpp"

namespace notifyd::webui {

/// Publishes for the owner of an API token. Shared read-only by every
/// connection; `serve` runs on the connection's strand (it blocks on the
/// tokens document and the shared keys, as the sign-ins do) and answers
/// through the responder once the notification is stored, from the
/// plugin's executor. Answers: 200 as the socket API, 401 (no token, or an
/// unknown, revoked or expired one; with `WWW-Authenticate: Bearer`), 403
/// (a `user` other than the owner), 400, 413, 415, 409 (a request with the
/// same `Idempotency-Key` is still in flight), 429 with `Retry-After`, 503.
class TokenPublisher {
 public:
  TokenPublisher(sdk::Host& host, ApiTokens& tokens, PublishRateSettings rate, std::uint64_t image_max_bytes);

  void serve(const sdk::HttpRequest& request, const sdk::Responder& respond) const;

 private:
  sdk::Host& host_;
  ApiTokens& tokens_;
  std::shared_ptr<IdempotentReplies> replies_;  ///< also held by publishes in flight
  std::unique_ptr<PublishRate> rate_;
  std::uint64_t image_max_bytes_;
};

/// The token of an `Authorization: Bearer <token>` header; empty when there is none.
std::string_view bearer_token_of(const sdk::HttpRequest& request);

}  // namespace notifyd::webui
