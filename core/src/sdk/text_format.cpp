#include <algorithm>
#include <cctype>
#include <string>

#include "notifyd/sdk/notification.hpp"

namespace notifyd::sdk {

std::string_view text_format_name(TextFormat format) noexcept {
  switch (format) {
    case TextFormat::plain: return "plain";
    case TextFormat::markdown: return "Markdown";
    case TextFormat::markdown_v2: return "MarkdownV2";
    case TextFormat::html: return "HTML";
  }
  return "plain";
}

std::optional<TextFormat> parse_text_format(std::string_view text) noexcept {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower.empty() || lower == "markdown") return TextFormat::markdown;
  if (lower == "markdownv2") return TextFormat::markdown_v2;
  if (lower == "html") return TextFormat::html;
  if (lower == "plain" || lower == "none" || lower == "text") return TextFormat::plain;
  return std::nullopt;
}

}  // namespace notifyd::sdk
