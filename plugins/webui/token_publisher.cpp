#include "token_publisher.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/core/string.hpp>

#include "briefly_unavailable.hpp"
#include "notifyd/sdk/api/send_requests.hpp"
#include "publish_body.hpp"

namespace notifyd::webui {
namespace {

sdk::HttpResponse unauthorized(std::string_view message) {
  auto response = sdk::HttpResponse::error(401, message);
  response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

sdk::HttpResponse unavailable(sdk::Logger& log, std::string_view why) {
  return briefly_unavailable(log, why, "publishing is");
}

}  // namespace

std::string_view bearer_token_of(const sdk::HttpRequest& request) {
  const std::string_view header = request.header("authorization");
  constexpr std::string_view scheme = "bearer ";
  if (header.size() <= scheme.size() || !boost::beast::iequals(header.substr(0, scheme.size()), scheme)) return {};
  std::string_view token = header.substr(scheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

TokenPublisher::TokenPublisher(sdk::Host& host, ApiTokens& tokens, PublishRateSettings rate,
                               std::uint64_t image_max_bytes)
    : host_(host),
      tokens_(tokens),
      replies_(std::make_shared<IdempotentReplies>(host.coordination().ephemeral(), host.instance_name())),
      rate_(std::make_unique<PublishRate>(host.coordination().ephemeral(), host.instance_name(), rate)),
      image_max_bytes_(image_max_bytes) {}

void TokenPublisher::serve(const sdk::HttpRequest& request, const sdk::Responder& respond) const {
  const std::string_view token = bearer_token_of(request);
  if (token.empty()) return respond(unauthorized("missing API token (Authorization: Bearer <token>)"));
  const auto check = tokens_.authenticate(token);
  if (!check) return respond(unavailable(host_.log(), check.error()));
  switch (check.value().state) {
    case TokenCheck::State::unknown: return respond(unauthorized("unknown or revoked API token"));
    case TokenCheck::State::expired: return respond(unauthorized("the API token has expired"));
    case TokenCheck::State::valid: break;
  }
  const std::string& owner = check.value().user;

  auto key = idempotency_key_of(request);
  if (!key) return respond(std::move(key).error());
  auto body = notify_body_of(request, owner);
  if (!body) return respond(std::move(body).error());
  auto parsed = sdk::api::parse_notify_body(body.value(), image_max_bytes_);
  if (!parsed) return respond(std::move(parsed).error());

  const std::optional<std::string>& idempotency_key = key.value();
  if (idempotency_key) {
    auto claim = replies_->claim(owner, *idempotency_key);
    if (!claim) return respond(unavailable(host_.log(), claim.error()));
    if (claim.value().state == IdempotencyClaim::State::replay) {
      auto reply = std::move(claim.value().reply);
      reply.headers.emplace_back("Idempotent-Replayed", "true");
      return respond(std::move(reply));
    }
    if (claim.value().state == IdempotencyClaim::State::in_flight) {
      auto response = sdk::HttpResponse::error(409, "a request with this Idempotency-Key is in progress; retry shortly");
      response.headers.emplace_back("Retry-After", "1");
      return respond(std::move(response));
    }
  }
  // A refusal that publishes nothing lets a retry with the same key try again.
  const auto give_up = [&](sdk::HttpResponse response) {
    if (idempotency_key) {
      if (auto released = replies_->release(owner, *idempotency_key); !released) host_.log().warn(released.message);
    }
    respond(std::move(response));
  };

  const auto wait = rate_->admit(check.value().id);
  if (!wait) return give_up(unavailable(host_.log(), wait.error()));
  if (wait.value()) {
    auto response = sdk::HttpResponse::error(
        429, "this token publishes too often; try again in " + std::to_string(wait.value()->count()) + " s");
    response.headers.emplace_back("Retry-After", std::to_string(wait.value()->count()));
    return give_up(std::move(response));
  }

  host_.notifications().publish(
      std::move(parsed).value(),
      [executor = host_.executor(), replies = replies_, log = &host_.log(), respond, owner,
       idempotency_key](sdk::PublishOutcome outcome) {
        // Runs on a pipeline thread: the shared keys are written from the plugin's executor.
        boost::asio::post(executor, [replies, log, respond, owner, idempotency_key, outcome = std::move(outcome)] {
          sdk::HttpResponse response = sdk::api::publish_response(outcome, owner);
          if (idempotency_key) {
            const auto kept = response.status >= 500 ? replies->release(owner, *idempotency_key)
                                                     : replies->record(owner, *idempotency_key, response);
            if (!kept) log->warn("Idempotency-Key of ", owner, ": ", kept.message);
          }
          respond(std::move(response));
        });
      });
}

}  // namespace notifyd::webui
