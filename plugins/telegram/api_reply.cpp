#include "api_reply.hpp"

#include <algorithm>

#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/utf8.hpp"

namespace notifyd::telegram {
namespace {

constexpr std::size_t max_description_bytes = 512;
constexpr std::int64_t max_retry_after_seconds = 24 * 3600;

std::string bounded_text(std::string_view text) {
  std::string clean = sdk::replace_invalid_utf8(text.substr(0, max_description_bytes));
  for (char& c : clean) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return clean;
}

}  // namespace

const rapidjson::Value* ApiReply::result() const noexcept {
  return document ? sdk::json_member(*document, "result") : nullptr;
}

std::string ApiReply::summary() const {
  if (!transport_error.empty()) return transport_error;
  if (ok) return "ok";
  std::string text = std::to_string(error_code);
  if (!description.empty()) text += " " + description;
  if (retry_after) text += " (retry after " + std::to_string(retry_after->count()) + " s)";
  if (migrate_to_chat_id) text += " (migrated to chat " + std::to_string(*migrate_to_chat_id) + ")";
  return text;
}

ApiReply parse_api_reply(long http_status, std::string_view body) {
  ApiReply reply;
  reply.http_status = http_status;
  auto document = std::make_shared<rapidjson::Document>();
  const rapidjson::Value* ok = sdk::parse_json(body, *document) ? sdk::json_member(*document, "ok") : nullptr;
  if (ok == nullptr || !ok->IsBool()) {
    reply.error_code = http_status >= 400 ? static_cast<int>(http_status) : 502;
    reply.description = "HTTP " + std::to_string(http_status) + " with a reply that is not a Bot API answer";
    return reply;
  }
  reply.ok = ok->GetBool();
  if (const auto* code = sdk::json_member(*document, "error_code"); code && code->IsInt()) {
    reply.error_code = code->GetInt();
  } else if (!reply.ok) {
    reply.error_code = http_status >= 400 ? static_cast<int>(http_status) : 400;
  }
  if (const auto* description = sdk::json_member(*document, "description"); description && description->IsString()) {
    reply.description = bounded_text({description->GetString(), description->GetStringLength()});
  }
  if (const auto* parameters = sdk::json_member(*document, "parameters"); parameters && parameters->IsObject()) {
    if (const auto* retry = sdk::json_member(*parameters, "retry_after"); retry && retry->IsInt64()) {
      reply.retry_after = std::chrono::seconds{std::clamp<std::int64_t>(retry->GetInt64(), 0, max_retry_after_seconds)};
    }
    if (const auto* migrate = sdk::json_member(*parameters, "migrate_to_chat_id"); migrate && migrate->IsInt64()) {
      reply.migrate_to_chat_id = migrate->GetInt64();
    }
  }
  reply.document = std::move(document);
  return reply;
}

ApiReply transport_failure(std::string error, bool interrupted) {
  ApiReply reply;
  reply.transport_error = bounded_text(error);
  reply.interrupted = interrupted;
  reply.description = reply.transport_error;
  return reply;
}

}  // namespace notifyd::telegram
