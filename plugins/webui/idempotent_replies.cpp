#include "idempotent_replies.hpp"

#include <charconv>

#include "random_token.hpp"

namespace notifyd::webui {
namespace {

constexpr std::string_view claimed_value = "claimed";
constexpr std::string_view answer_prefix = "answer ";
constexpr std::string_view digest_purpose = "idempotency-key";

// An answer is kept as `answer <status> <content type>\n<body>`.
std::string answer_value(const sdk::HttpResponse& reply) {
  return std::string(answer_prefix) + std::to_string(reply.status) + " " + reply.content_type + "\n" + reply.body;
}

std::optional<sdk::HttpResponse> parse_answer(std::string_view value) {
  if (!value.starts_with(answer_prefix)) return std::nullopt;
  value.remove_prefix(answer_prefix.size());
  unsigned status = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), status);
  const auto newline = value.find('\n');
  if (error != std::errc() || newline == std::string_view::npos || end >= value.data() + newline || *end != ' ') {
    return std::nullopt;
  }
  const std::size_t type_at = static_cast<std::size_t>(end - value.data()) + 1;
  sdk::HttpResponse reply;
  reply.status = status;
  reply.content_type = std::string(value.substr(type_at, newline - type_at));
  reply.body = std::string(value.substr(newline + 1));
  return reply;
}

}  // namespace

IdempotentReplies::IdempotentReplies(sdk::Ephemeral& keys, std::string instance)
    : keys_(keys), prefix_("webui/" + instance + "/idempotency/") {}

std::string IdempotentReplies::key_of(std::string_view owner, std::string_view key) const {
  return prefix_ + std::string(owner) + "/" + token_digest(key, digest_purpose);
}

sdk::Result<IdempotencyClaim> IdempotentReplies::claim(std::string_view owner, std::string_view key) {
  using R = sdk::Result<IdempotencyClaim>;
  const std::string name = key_of(owner, key);
  auto claimed = keys_.put_if_absent(name, claimed_value, claim_ttl);
  if (!claimed) return R::failure("cannot claim the Idempotency-Key: " + claimed.error());
  if (claimed.value()) return IdempotencyClaim{};
  const auto found = keys_.get(name);
  if (!found) return R::failure("cannot read the Idempotency-Key: " + found.error());
  // Gone between the two calls: its claim lapsed or was released; the client may retry.
  if (!found.value()) return IdempotencyClaim{IdempotencyClaim::State::in_flight, {}};
  if (auto reply = parse_answer(*found.value())) return IdempotencyClaim{IdempotencyClaim::State::replay, std::move(*reply)};
  return IdempotencyClaim{IdempotencyClaim::State::in_flight, {}};
}

sdk::Status IdempotentReplies::record(std::string_view owner, std::string_view key, const sdk::HttpResponse& reply) {
  return keys_.put(key_of(owner, key), answer_value(reply), answer_ttl);
}

sdk::Status IdempotentReplies::release(std::string_view owner, std::string_view key) {
  return keys_.remove(key_of(owner, key));
}

}  // namespace notifyd::webui
