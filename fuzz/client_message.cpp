// What a desktop client sends over the WebSocket: one text frame. An
// invalid frame carries the seed's error text; an `auth` carries a token no
// longer than one byte past the limit (so the session can still refuse it as
// too long) and, when given, a `since` id.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "plugins/websocket/client_message.hpp"
#include "plugins/websocket/jwt.hpp"

namespace ws = notifyd::websocket;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto message = ws::parse_client_message(std::string_view(reinterpret_cast<const char*>(data), size));
  switch (message.type) {
    case ws::ClientMessage::Type::invalid:
      FUZZ_CHECK(!message.error.empty());
      FUZZ_CHECK(message.token.empty() && !message.since);
      break;
    case ws::ClientMessage::Type::auth:
      FUZZ_CHECK(!message.token.empty() && message.token.size() <= ws::max_token_bytes + 1);
      FUZZ_CHECK(message.error.empty());
      break;
    default:
      FUZZ_CHECK(message.token.empty() && !message.since && message.error.empty());
      break;
  }
  return 0;
}
