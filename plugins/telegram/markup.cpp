#include "markup.hpp"

#include "notifyd/sdk/utf8.hpp"
#include "text_split.hpp"

namespace notifyd::telegram {
namespace {

std::string escape_markdown_v1(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '_' || c == '*' || c == '`' || c == '[') out += '\\';
    out += c;
  }
  return out;
}

std::string escape_markdown_v2(std::string_view text) {
  static constexpr std::string_view reserved = "_*[]()~`>#+-=|{}.!\\";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (reserved.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      default: out += c;
    }
  }
  return out;
}

// Legacy Markdown cannot escape inside an entity: a '*' in the title closes
// the bold run, is written escaped, and the run reopens after it.
std::string bold_markdown_v1(std::string_view title) {
  std::string out;
  std::size_t start = 0;
  while (start <= title.size()) {
    const std::size_t star = title.find('*', start);
    const std::string_view piece = title.substr(start, star == std::string_view::npos ? std::string_view::npos : star - start);
    if (!piece.empty()) out += "*" + std::string(piece) + "*";
    if (star == std::string_view::npos) break;
    out += "\\*";
    start = star + 1;
  }
  return out;
}

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::string joined(std::string_view head, std::string_view body) {
  if (head.empty()) return std::string(body);
  if (body.empty()) return std::string(head);
  std::string out;
  out.reserve(head.size() + 1 + body.size());
  out.append(head).append("\n").append(body);
  return out;
}

}  // namespace

std::string_view parse_mode(sdk::TextFormat format) noexcept {
  switch (format) {
    case sdk::TextFormat::markdown: return "Markdown";
    case sdk::TextFormat::markdown_v2: return "MarkdownV2";
    case sdk::TextFormat::html: return "HTML";
    case sdk::TextFormat::plain: return "";
  }
  return "";
}

std::string escape_text(std::string_view text, sdk::TextFormat format) {
  switch (format) {
    case sdk::TextFormat::markdown: return escape_markdown_v1(text);
    case sdk::TextFormat::markdown_v2: return escape_markdown_v2(text);
    case sdk::TextFormat::html: return escape_html(text);
    case sdk::TextFormat::plain: return std::string(text);
  }
  return std::string(text);
}

std::string bold_title(std::string_view title, sdk::TextFormat format) {
  if (title.empty()) return {};
  switch (format) {
    case sdk::TextFormat::markdown: return bold_markdown_v1(title);
    case sdk::TextFormat::markdown_v2: return "*" + escape_markdown_v2(title) + "*";
    case sdk::TextFormat::html: return "<b>" + escape_html(title) + "</b>";
    case sdk::TextFormat::plain: return std::string(title);
  }
  return std::string(title);
}

ComposedText compose_text(std::string_view title, std::string_view message, sdk::TextFormat format) {
  const std::string clean_title = sdk::replace_invalid_utf8(trimmed(title));
  const std::string clean_message = sdk::replace_invalid_utf8(message);
  if (format == sdk::TextFormat::plain) return compose_plain(clean_title, clean_message);
  return {joined(bold_title(clean_title, format), clean_message), format, 0};
}

ComposedText compose_plain(std::string_view title, std::string_view message) {
  const std::string clean_title = sdk::replace_invalid_utf8(trimmed(title));
  const std::string clean_message = sdk::replace_invalid_utf8(message);
  return {joined(clean_title, clean_message), sdk::TextFormat::plain, utf16_length(clean_title)};
}

}  // namespace notifyd::telegram
