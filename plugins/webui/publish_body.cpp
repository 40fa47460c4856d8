#include "publish_body.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

#include <rapidjson/document.h>

#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/utf8.hpp"

namespace notifyd::webui {
namespace {

// The web server's body limit has bounded the size already.
constexpr sdk::JsonLimits body_json_limits{.max_bytes = std::numeric_limits<std::size_t>::max()};

bool is_utf8(std::string_view text) { return sdk::replace_invalid_utf8(text) == text; }

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

// The first of `names` the request carries, with the name it came under.
std::optional<std::pair<std::string_view, std::string_view>> header_among(const sdk::HttpRequest& request,
                                                                           std::initializer_list<std::string_view> names) {
  for (const std::string_view name : names) {
    const auto it = request.headers.find(name);
    if (it != request.headers.end()) return std::pair{name, std::string_view(it->second)};
  }
  return std::nullopt;
}

bool is_json(const sdk::HttpRequest& request) {
  const std::string_view type = request.header("content-type");
  const std::string_view media = trimmed(type.substr(0, type.find(';')));
  return media.size() == 16 && std::equal(media.begin(), media.end(), "application/json", [](char a, char b) {
           return static_cast<char>(std::tolower(static_cast<unsigned char>(a))) == b;
         });
}

rapidjson::Value string_value(std::string_view text, rapidjson::Document::AllocatorType& allocator) {
  return rapidjson::Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator);
}

}  // namespace

sdk::Validated<std::string> notify_body_of(const sdk::HttpRequest& request, std::string_view owner) {
  rapidjson::Document document;
  auto& allocator = document.GetAllocator();
  if (is_json(request)) {
    if (!sdk::parse_json(request.body, document, body_json_limits) || !document.IsObject()) {
      return sdk::HttpResponse::error(400, "invalid JSON");
    }
    if (const rapidjson::Value* user = sdk::json_member(document, "user"); user && !user->IsNull()) {
      if (user->IsString() && std::string_view(user->GetString(), user->GetStringLength()) != owner) {
        return sdk::HttpResponse::error(403, "this token sends only to " + std::string(owner));
      }
    }
  } else {
    if (!is_utf8(request.body)) return sdk::HttpResponse::error(400, "the body is not UTF-8 text");
    document.SetObject();
    document.AddMember("message", string_value(request.body, allocator), allocator);
  }
  if (const rapidjson::Value* user = sdk::json_member(document, "user"); !user || user->IsNull()) {
    document.RemoveMember("user");
    document.AddMember("user", string_value(owner, allocator), allocator);
  }

  struct HeaderField {
    const char* field;
    std::initializer_list<std::string_view> names;
  };
  const HeaderField fields[] = {
      {"title", {"title", "x-title"}},
      {"priority", {"priority", "x-priority"}},
      {"tags", {"tags", "x-tags"}},
  };
  for (const auto& [field, names] : fields) {
    const auto found = header_among(request, names);
    if (!found || sdk::json_member(document, field)) continue;
    const auto [name, raw] = *found;
    if (!is_utf8(raw)) return sdk::HttpResponse::error(400, "invalid header: " + std::string(name) + " (expected UTF-8 text)");
    const std::string_view value = trimmed(raw);
    rapidjson::Value member;
    if (std::string_view(field) == "tags") {
      member.SetArray();
      std::string_view rest = value;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string_view tag = trimmed(rest.substr(0, comma));
        if (!tag.empty()) member.PushBack(string_value(tag, allocator), allocator);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
    } else if (std::string_view(field) == "priority" && !value.empty() && value.size() <= 9 &&
               std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      member.SetInt(std::stoi(std::string(value)));
    } else {
      member = string_value(value, allocator);
    }
    document.AddMember(rapidjson::StringRef(field), member, allocator);
  }
  return sdk::json_text(document);
}

sdk::Validated<std::optional<std::string>> idempotency_key_of(const sdk::HttpRequest& request) {
  const auto it = request.headers.find("idempotency-key");
  if (it == request.headers.end()) return std::optional<std::string>{};
  const std::string& key = it->second;
  const bool visible = std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7f; });
  if (key.empty() || key.size() > max_idempotency_key_bytes || !visible) {
    return sdk::HttpResponse::error(400, "invalid header: Idempotency-Key (1 to " +
                                             std::to_string(max_idempotency_key_bytes) +
                                             " visible ASCII characters)");
  }
  return std::optional<std::string>{key};
}

}  // namespace notifyd::webui
