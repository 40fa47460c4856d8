#include "send_verdict.hpp"

#include <algorithm>
#include <cctype>

namespace notifyd::telegram {
namespace {

using namespace std::chrono_literals;

bool mentions(std::string_view text, std::string_view needle) {
  const auto lower = [](unsigned char c) { return static_cast<char>(std::tolower(c)); };
  return std::search(text.begin(), text.end(), needle.begin(), needle.end(),
                     [&](char a, char b) { return lower(static_cast<unsigned char>(a)) == b; }) != text.end();
}

}  // namespace

SendVerdict classify_send(const ApiReply& reply) {
  SendVerdict verdict;
  verdict.error = reply.summary();
  if (!reply.transport_error.empty()) {
    verdict.kind = SendVerdict::Kind::retry;
    return verdict;
  }
  if (reply.ok) {
    verdict.kind = SendVerdict::Kind::sent;
    verdict.error.clear();
    return verdict;
  }
  if (reply.migrate_to_chat_id && *reply.migrate_to_chat_id != 0) {
    verdict.kind = SendVerdict::Kind::migrated;
    verdict.new_chat_id = *reply.migrate_to_chat_id;
    return verdict;
  }
  const int code = reply.error_code;
  if (code == 429) {
    verdict.kind = SendVerdict::Kind::retry;
    verdict.retry_after = std::max<std::chrono::milliseconds>(reply.retry_after.value_or(1s), 1s);
    return verdict;
  }
  if (code == 400 && (mentions(reply.description, "can't parse") || mentions(reply.description, "can't find end"))) {
    verdict.kind = SendVerdict::Kind::unparsable_entities;
    return verdict;
  }
  if (code == 403) {
    verdict.kind = SendVerdict::Kind::blocked;
    return verdict;
  }
  if (code == 401 || code == 404) {
    // The token was refused (404 is what Telegram answers for an unknown bot): keep the notification.
    verdict.kind = SendVerdict::Kind::retry;
    verdict.retry_after = 60s;
    return verdict;
  }
  if (code >= 500 || code == 408 || code == 409 || code <= 0) {
    verdict.kind = SendVerdict::Kind::retry;
    if (reply.retry_after) verdict.retry_after = *reply.retry_after;
    return verdict;
  }
  verdict.kind = SendVerdict::Kind::permanent;
  return verdict;
}

}  // namespace notifyd::telegram
