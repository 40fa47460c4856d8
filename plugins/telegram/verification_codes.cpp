#include "verification_codes.hpp"

#include <algorithm>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "notifyd/sdk/json.hpp"
#include "shared_document.hpp"

namespace notifyd::telegram {

bool is_code_shaped(std::string_view code) noexcept {
  return code.size() == 6 && std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

sdk::Result<PendingCodes> parse_pending_codes(std::string_view text) {
  using R = sdk::Result<PendingCodes>;
  rapidjson::Document document;
  if (auto parsed = sdk::parse_json(text, document); !parsed) return R::failure("not valid JSON: " + parsed.message);
  if (!document.IsObject()) return R::failure("not a JSON object of codes");
  PendingCodes codes;
  for (const auto& member : document.GetObject()) {
    const std::string code(member.name.GetString(), member.name.GetStringLength());
    const auto chat = sdk::json_int64(member.value, "chat_id");
    const auto created = sdk::json_int64_floor(member.value, "created_at");
    if (!is_code_shaped(code) || !chat || !created) continue;
    codes[code] = {*chat, *created};
  }
  return codes;
}

std::string serialize_pending_codes(const PendingCodes& codes) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  writer.StartObject();
  for (const auto& [code, pending] : codes) {
    writer.Key(code.data(), static_cast<rapidjson::SizeType>(code.size()));
    writer.StartObject();
    writer.Key("chat_id");
    writer.Int64(pending.chat_id);
    writer.Key("created_at");
    writer.Int64(pending.created_at);
    writer.EndObject();
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

VerificationCodes::VerificationCodes(sdk::DocumentStore& store, std::string file, std::chrono::seconds ttl,
                                     CodeSource source)
    : store_(store), file_(std::move(file)), ttl_(ttl), source_(std::move(source)) {}

sdk::Status VerificationCodes::load() {
  auto content = store_.read(file_);
  if (!content) return sdk::Status::failure(content.error());
  if (!content.value()) return sdk::Status::success();
  auto parsed = parse_pending_codes(*content.value());
  if (!parsed) return sdk::Status::failure(file_ + " is " + parsed.error() + "; starting with no pending codes");
  return sdk::Status::success();
}

PendingCodes VerificationCodes::current() const {
  auto content = store_.read(file_);
  if (!content || !content.value()) return {};
  auto parsed = parse_pending_codes(*content.value());
  return parsed ? std::move(parsed).value() : PendingCodes{};
}

bool VerificationCodes::expired(const PendingCode& code, std::int64_t now) const noexcept {
  return now - code.created_at >= ttl_.count() || code.created_at > now + 60;
}

sdk::Result<std::string> VerificationCodes::issue(std::int64_t chat, std::int64_t now, const sdk::Fence& fence) {
  using R = sdk::Result<std::string>;
  using Change = sdk::Result<std::optional<std::string>>;
  std::optional<std::string> code;
  bool replace_corrupt = false;
  bool found_corrupt = false;
  const SharedChange change = [&](const std::optional<std::string>& content, bool& corrupt) -> Change {
    found_corrupt = false;
    PendingCodes next;
    if (content) {
      auto parsed = parse_pending_codes(*content);
      if (parsed) {
        next = std::move(parsed).value();
      } else if (!replace_corrupt) {
        corrupt = found_corrupt = true;
        return Change::failure(file_ + " is " + parsed.error());
      }
    }
    std::erase_if(next, [&](const auto& entry) { return entry.second.chat_id == chat || expired(entry.second, now); });
    code.reset();
    for (int attempt = 0; attempt < 20 && !code; ++attempt) {
      code = source_ ? source_() : std::nullopt;
      if (!code) return Change::failure("no random source for verification codes");
      if (!is_code_shaped(*code) || next.contains(*code)) code.reset();
    }
    if (!code) return Change::failure("could not find an unused verification code");
    next[*code] = {chat, now};
    return std::optional<std::string>{serialize_pending_codes(next)};
  };
  const auto save = [&]() -> sdk::Status {
    if (fence) return update_shared_fenced(store_, file_, change, fence);
    auto updated = update_shared(store_, file_, change);
    return updated ? sdk::Status::success() : sdk::Status::failure(updated.error());
  };
  auto saved = save();
  if (!saved && found_corrupt) {
    // Still corrupt after the retries: it held nothing but short-lived codes, so it is replaced.
    replace_corrupt = true;
    saved = save();
  }
  if (!saved) return R::failure(saved.message);
  return *code;
}

sdk::Result<std::optional<std::int64_t>> VerificationCodes::redeem(std::string_view code, std::int64_t now) {
  using R = sdk::Result<std::optional<std::int64_t>>;
  using Change = sdk::Result<std::optional<std::string>>;
  std::optional<std::int64_t> chat;
  auto updated = update_shared(store_, file_, [&](const std::optional<std::string>& content, bool& corrupt) -> Change {
    chat.reset();
    if (!content) return std::optional<std::string>{};
    auto parsed = parse_pending_codes(*content);
    if (!parsed) {
      corrupt = true;
      return Change::failure(file_ + " is " + parsed.error());
    }
    PendingCodes next = std::move(parsed).value();
    const auto found = next.find(code);
    if (found == next.end() || expired(found->second, now)) return std::optional<std::string>{};
    chat = found->second.chat_id;
    next.erase(found);
    std::erase_if(next, [&](const auto& entry) { return expired(entry.second, now); });
    return std::optional<std::string>{serialize_pending_codes(next)};
  });
  if (!updated) return R::failure(updated.error());
  return chat;
}

std::size_t VerificationCodes::size(std::int64_t now) const {
  const auto codes = current();
  return static_cast<std::size_t>(
      std::count_if(codes.begin(), codes.end(), [&](const auto& entry) { return !expired(entry.second, now); }));
}

}  // namespace notifyd::telegram
