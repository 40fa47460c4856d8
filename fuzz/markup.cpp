// The Telegram markup reader and splitter (Markdown, MarkdownV2, HTML,
// plain): what the splitter returns for a valid text are parts within the
// limit that each read back as valid markup and together show every visible
// character; text the plugin escapes reads as text without entities. The
// input's last bytes choose the format and the limit, the rest is the text.
#include <cstddef>
#include <cstdio>
#include <cstdint>
#include <string>
#include <string_view>

#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz/fuzz_check.hpp"
#include "notifyd/sdk/utf8.hpp"
#include "plugins/telegram/markup.hpp"
#include "plugins/telegram/markup_split.hpp"
#include "notifyd/sdk/markup_tokens.hpp"
#include "plugins/telegram/text_split.hpp"

namespace sdk = notifyd::sdk;
namespace tg = notifyd::telegram;

namespace {

// The visible characters of read markup, without markers, spaces and line breaks.
std::string characters(std::string_view text, const sdk::MarkupTokens& tokens) {
  std::string out;
  for (const auto& piece : tokens.pieces) {
    if (piece.kind == sdk::MarkupPiece::Kind::character) out += text.substr(piece.begin, piece.end - piece.begin);
  }
  return out;
}

// `text` printable in a message: other bytes as \xNN.
std::string escaped_text(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      out += hex;
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  const auto format = static_cast<sdk::TextFormat>(input.ConsumeIntegralInRange<std::uint32_t>(0, 3));
  const std::size_t limit = input.ConsumeIntegralInRange<std::size_t>(1, tg::max_message_units);
  const std::string text = input.ConsumeRemainingBytesAsString();

  const auto tokens = sdk::read_markup(text, format);
  const auto parts = tg::split_markup(text, format, limit);
  if (!tokens) FUZZ_CHECK(!parts);
  if (parts) {
    std::string seen;
    for (const auto& part : *parts) {
      FUZZ_CHECK(!part.empty());
      FUZZ_CHECK(tg::utf16_length(part) <= limit);
      const auto reread = sdk::read_markup(part, format);
      if (!reread) std::fprintf(stderr, "part %s\nreads as: %s\n", escaped_text(part).c_str(), reread.error().c_str());
      FUZZ_CHECK(reread);
      seen += characters(part, reread.value());
    }
    if (seen != characters(text, tokens.value())) {
      std::fprintf(stderr, "limit %zu, text %s\n", limit, escaped_text(text).c_str());
      for (const auto& part : *parts) std::fprintf(stderr, "part %s\n", escaped_text(part).c_str());
    }
    FUZZ_CHECK(seen == characters(text, tokens.value()));
  }

  const std::string clean = sdk::replace_invalid_utf8(text);
  const auto escaped = sdk::read_markup(tg::escape_text(clean, format), format);
  FUZZ_CHECK(escaped);
  FUZZ_CHECK(escaped.value().entities.empty());
  FUZZ_CHECK(sdk::read_markup(tg::bold_title(clean, format), format));
  return 0;
}
