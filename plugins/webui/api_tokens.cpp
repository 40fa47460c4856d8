#include "api_tokens.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notifyd/sdk/duration.hpp"
#include "notifyd/sdk/epoch_time.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "notifyd/sdk/utf8.hpp"
#include "random_token.hpp"

namespace notifyd::webui {
namespace {

constexpr std::string_view token_prefix = "nd_";
constexpr std::size_t id_chars = 12;
constexpr std::size_t secret_bytes = 32;
constexpr std::string_view digest_purpose = "api-token";

// A token as the document keeps it.
struct StoredToken {
  sdk::api::ApiTokenInfo info;
  std::string digest;
};

constexpr auto stored_members = [](auto& m, auto& token) {
  m.nonempty_text("id", token.info.id);
  m.text("user", token.info.user);
  m.text("name", token.info.name);
  m.nonempty_text("digest", token.digest);
  m.time("created_at", token.info.created_at);
  m.time_or_null("expires_at", token.info.expires_at);
};

using Tokens = std::vector<StoredToken>;

// `{"tokens":[{"id","user","name","digest","created_at","expires_at"}...]}`.
sdk::Result<Tokens> parse_document(const std::optional<std::string>& content) {
  using R = sdk::Result<Tokens>;
  Tokens tokens;
  if (!content) return tokens;
  rapidjson::Document document;
  if (auto parsed = sdk::parse_json(*content, document); !parsed) {
    return R::failure(std::string(ApiTokens::document_name) + " is not JSON: " + parsed.message);
  }
  const rapidjson::Value* list = sdk::json_member(document, "tokens");
  if (!list || !list->IsArray()) return R::failure(std::string(ApiTokens::document_name) + " has no \"tokens\" list");
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    StoredToken token;
    const std::string where = "tokens[" + std::to_string(i) + "]";
    if (auto read = sdk::api::read_object((*list)[i], where, token, stored_members); !read) {
      return R::failure(std::string(ApiTokens::document_name) + ": " + read.message);
    }
    tokens.push_back(std::move(token));
  }
  return tokens;
}

std::string document_text(const Tokens& tokens) {
  rapidjson::StringBuffer buffer;
  sdk::api::JsonWriter out(buffer);
  out.StartObject();
  out.Key("tokens");
  out.StartArray();
  for (const auto& token : tokens) sdk::api::write_object(out, token, stored_members);
  out.EndArray();
  out.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string random_id() {
  unsigned char raw[id_chars / 2];
  if (RAND_bytes(raw, sizeof raw) != 1) throw std::runtime_error("the random number generator failed");
  static constexpr char digits[] = "0123456789abcdef";
  std::string id;
  for (const unsigned char byte : raw) {
    id += digits[byte >> 4];
    id += digits[byte & 0x0f];
  }
  return id;
}

bool is_hex_id(std::string_view text) {
  return text.size() == id_chars &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool expired_at(const sdk::api::ApiTokenInfo& info, std::int64_t now_ms) {
  return info.expires_at > 0 && info.expires_at <= now_ms;
}

}  // namespace

ApiTokens::ApiTokens(sdk::DocumentStore& documents, WallClock clock) : documents_(documents), clock_(std::move(clock)) {}

std::int64_t ApiTokens::now_ms() const { return clock_ ? sdk::epoch_ms_of(clock_()) : sdk::now_epoch_ms(); }

sdk::Result<std::optional<IssuedToken>> ApiTokens::create(const std::string& user, std::string name,
                                                         std::int64_t expires_ms) {
  using R = sdk::Result<std::optional<IssuedToken>>;
  try {
    StoredToken made;
    made.info.id = random_id();
    made.info.name = std::move(name);
    made.info.user = user;
    made.info.created_at = now_ms();
    made.info.expires_at = expires_ms;
    IssuedToken issued{std::string(token_prefix) + made.info.id + random_token(secret_bytes), made.info};
    made.digest = token_digest(issued.token, digest_purpose);
    bool full = false;
    auto updated = documents_.update(
        document_name, [&](const std::optional<std::string>& current) -> sdk::Result<std::optional<std::string>> {
          auto tokens = parse_document(current);
          if (!tokens) return sdk::Result<std::optional<std::string>>::failure(tokens.error());
          const auto owned = std::count_if(tokens.value().begin(), tokens.value().end(),
                                           [&](const StoredToken& token) { return token.info.user == user; });
          if (static_cast<std::size_t>(owned) >= max_per_user) {
            full = true;
            return std::optional<std::string>{};
          }
          tokens.value().push_back(made);
          return std::optional<std::string>{document_text(tokens.value())};
        });
    if (!updated) return R::failure("cannot keep the API token: " + updated.error());
    if (full) return std::optional<IssuedToken>{};
    return std::optional<IssuedToken>{std::move(issued)};
  } catch (const std::exception& e) {
    return R::failure(std::string("cannot make an API token: ") + e.what());
  }
}

sdk::Result<std::vector<sdk::api::ApiTokenInfo>> ApiTokens::list(std::string_view user) const {
  using R = sdk::Result<std::vector<sdk::api::ApiTokenInfo>>;
  const auto content = documents_.read(document_name);
  if (!content) return R::failure("cannot read the API tokens: " + content.error());
  auto tokens = parse_document(content.value());
  if (!tokens) return R::failure(tokens.error());
  const std::int64_t now = now_ms();
  std::vector<sdk::api::ApiTokenInfo> out;
  for (auto& token : tokens.value()) {
    if (token.info.user != user) continue;
    token.info.expired = expired_at(token.info, now);
    out.push_back(std::move(token.info));
  }
  return out;
}

sdk::Result<bool> ApiTokens::revoke(std::string_view user, std::string_view id) {
  using R = sdk::Result<bool>;
  bool found = false;
  auto updated = documents_.update(
      document_name, [&](const std::optional<std::string>& current) -> sdk::Result<std::optional<std::string>> {
        auto tokens = parse_document(current);
        if (!tokens) return sdk::Result<std::optional<std::string>>::failure(tokens.error());
        auto& list = tokens.value();
        const auto kept = std::remove_if(list.begin(), list.end(), [&](const StoredToken& token) {
          return token.info.user == user && token.info.id == id;
        });
        found = kept != list.end();
        if (!found) return std::optional<std::string>{};
        list.erase(kept, list.end());
        return std::optional<std::string>{document_text(list)};
      });
  if (!updated) return R::failure("cannot revoke the API token: " + updated.error());
  return found;
}

sdk::Result<TokenCheck> ApiTokens::authenticate(std::string_view token) const {
  using R = sdk::Result<TokenCheck>;
  TokenCheck check;
  if (!token.starts_with(token_prefix)) return check;
  const std::string_view rest = token.substr(token_prefix.size());
  if (rest.size() <= id_chars || !is_hex_id(rest.substr(0, id_chars)) || !looks_like_token(rest.substr(id_chars))) {
    return check;
  }
  const std::string_view id = rest.substr(0, id_chars);
  const auto content = documents_.read(document_name);
  if (!content) return R::failure("cannot read the API tokens: " + content.error());
  auto tokens = parse_document(content.value());
  if (!tokens) return R::failure(tokens.error());
  const auto found = std::find_if(tokens.value().begin(), tokens.value().end(),
                                  [&](const StoredToken& stored) { return stored.info.id == id; });
  if (found == tokens.value().end() || !same_secret(token_digest(token, digest_purpose), found->digest)) return check;
  check.id = found->info.id;
  if (expired_at(found->info, now_ms())) {
    check.state = TokenCheck::State::expired;
    return check;
  }
  check.state = TokenCheck::State::valid;
  check.user = found->info.user;
  return check;
}

sdk::Status check_token_name(std::string_view name) {
  if (name.size() > ApiTokens::max_name_bytes) {
    return sdk::Status::failure("name: at most " + std::to_string(ApiTokens::max_name_bytes) + " bytes");
  }
  const bool control = std::any_of(name.begin(), name.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (control || sdk::replace_invalid_utf8(name) != name) {
    return sdk::Status::failure("name: expected text without control characters");
  }
  return sdk::Status::success();
}

sdk::Result<std::int64_t> parse_token_expiry(std::string_view text, std::int64_t now_ms) {
  using R = sdk::Result<std::int64_t>;
  if (text.empty() || text == "never") return std::int64_t{0};
  std::int64_t at = 0;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    const auto day = sdk::parse_utc_timestamp(std::string(text) + "T00:00:00Z");
    if (!day) return R::failure("expires: " + std::string(text) + " is not a date (YYYY-MM-DD)");
    at = *day + 24 * 60 * 60 * 1000;
  } else if (const auto time = sdk::parse_utc_timestamp(text)) {
    at = *time;
  } else if (const auto duration = sdk::parse_duration(text); duration && duration.value().count() > 0) {
    at = now_ms + duration.value().count();
  } else {
    return R::failure("expires: expected a duration (30d, 12h), a date (YYYY-MM-DD), a time (ISO-8601) or never");
  }
  if (at <= now_ms) return R::failure("expires: " + std::string(text) + " is in the past");
  return at;
}

}  // namespace notifyd::webui
