// Reading the seed's `telegram_users.json` (user → chat links), which the
// seed's dashboard writes too. Whatever parses is written back in a form that
// reads back to the same links, unknown members included.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <rapidjson/document.h>

#include "fuzz/fuzz_check.hpp"
#include "fuzz/json_checks.hpp"
#include "plugins/telegram/link_registry.hpp"

namespace tg = notifyd::telegram;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parsed = tg::parse_links(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed) {
    FUZZ_CHECK(!parsed.error().empty());
    return 0;
  }
  const auto again = tg::parse_links(tg::serialize_links(parsed.value()));
  FUZZ_CHECK(again);
  FUZZ_CHECK(again.value().size() == parsed.value().size());
  for (auto a = parsed.value().begin(), b = again.value().begin(); a != parsed.value().end(); ++a, ++b) {
    FUZZ_CHECK(a->first == b->first && !a->first.empty());
    FUZZ_CHECK(a->second.chat_id == b->second.chat_id && a->second.chat_id != 0);
    FUZZ_CHECK(a->second.linked_at == b->second.linked_at && a->second.active == b->second.active);
    FUZZ_CHECK(a->second.other.size() == b->second.other.size());
    for (auto x = a->second.other.begin(), y = b->second.other.begin(); x != a->second.other.end(); ++x, ++y) {
      FUZZ_CHECK(x->first == y->first);
      rapidjson::Document first;
      rapidjson::Document second;
      first.Parse(x->second.data(), x->second.size());
      second.Parse(y->second.data(), y->second.size());
      FUZZ_CHECK(!first.HasParseError() && !second.HasParseError() && notifyd::fuzz::same_json(first, second));
    }
  }
  return 0;
}
