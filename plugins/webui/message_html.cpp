#include "message_html.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>
#include <vector>

#include "html_text.hpp"
#include "notifyd/sdk/markup_tokens.hpp"

namespace notifyd::webui {
namespace {

using sdk::TextFormat;

// The HTML an entity opens and closes with; both empty = its text only.
struct Element {
  std::string open;
  std::string close;
};

Element simple(std::string_view tag) {
  return {"<" + std::string(tag) + ">", "</" + std::string(tag) + ">"};
}

Element spoiler() { return {"<span class=\"spoiler\">", "</span>"}; }

Element preformatted() { return {"<pre><code>", "</code></pre>"}; }

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool url_allowed(std::string_view url) {
  const std::string start = lower(url.substr(0, 8));
  return start.starts_with("http://") || start.starts_with("https://") || start.starts_with("tg://");
}

Element link(std::string_view url) {
  if (!url_allowed(url)) return {};
  return {"<a href=\"" + html_escape(url) + "\" rel=\"nofollow noopener noreferrer\">", "</a>"};
}

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point == 0 || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) code_point = 0xFFFD;
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

// `&lt;`, `&gt;`, `&amp;`, `&quot;` and numeric references (Telegram's HTML
// knows no others: they stay as written).
std::string decode_reference(std::string_view reference) {
  if (reference == "&lt;") return "<";
  if (reference == "&gt;") return ">";
  if (reference == "&amp;") return "&";
  if (reference == "&quot;") return "\"";
  if (reference.size() > 3 && reference[1] == '#') {
    const bool hex = reference[2] == 'x' || reference[2] == 'X';
    const std::string_view digits = reference.substr(hex ? 3 : 2, reference.size() - (hex ? 4 : 3));
    std::uint32_t code_point = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), code_point, hex ? 16 : 10);
    std::string out;
    append_utf8(out, ec == std::errc{} && end == digits.data() + digits.size() ? code_point : 0xFFFD);
    return out;
  }
  return std::string(reference);
}

// The text of every `&…;` reference in `text` decoded.
std::string decode_references(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t semicolon = text[i] == '&' ? text.find(';', i) : std::string_view::npos;
    if (semicolon == std::string_view::npos || semicolon - i > 12) {
      out += text[i++];
      continue;
    }
    out += decode_reference(text.substr(i, semicolon + 1 - i));
    i = semicolon + 1;
  }
  return out;
}

// One character piece as the reader sees it: escapes and references resolved.
std::string character_text(std::string_view piece, TextFormat format) {
  if (piece.size() == 2 && piece[0] == '\\' && format != TextFormat::html) return std::string(piece.substr(1));
  if (piece.size() > 1 && piece[0] == '&' && format == TextFormat::html) return decode_reference(piece);
  return std::string(piece);
}

// MarkdownV2 URLs escape `)` and `\` with a backslash.
std::string unescape_v2(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) ++i;
    out += text[i];
  }
  return out;
}

// "](url)" → url; "]" (a bracket without a URL) → nullopt.
std::optional<std::string_view> markdown_url(std::string_view closer) {
  if (closer.size() < 3 || !closer.starts_with("](")) return std::nullopt;
  return closer.substr(2, closer.size() - 3);
}

Element markdown_element(const sdk::MarkupEntity& entity, TextFormat format) {
  const std::string_view opener = entity.opener;
  if (opener.starts_with("```")) return preformatted();
  if (opener == "*") return simple("strong");
  if (opener == "_") return simple("em");
  if (opener == "`") return simple("code");
  if (opener == "__") return simple("u");
  if (opener == "~") return simple("s");
  if (opener == "||") return spoiler();
  if (opener == "[") {
    const auto url = markdown_url(entity.closer);
    if (!url) return {};
    return link(format == TextFormat::markdown_v2 ? unescape_v2(*url) : std::string(*url));
  }
  return {};  // "![": a custom emoji shows its fallback emoji
}

// The value of attribute `name` in a start tag such as `<a href="…">`.
std::string attribute(std::string_view tag, std::string_view name) {
  const std::string lowered = lower(tag);
  std::size_t at = 0;
  while ((at = lowered.find(name, at)) != std::string::npos) {
    const bool starts = at > 0 && std::isspace(static_cast<unsigned char>(lowered[at - 1]));
    std::size_t i = at + name.size();
    while (i < tag.size() && tag[i] == ' ') ++i;
    if (!starts || i >= tag.size() || tag[i] != '=') {
      at += name.size();
      continue;
    }
    ++i;
    while (i < tag.size() && tag[i] == ' ') ++i;
    if (i < tag.size() && (tag[i] == '"' || tag[i] == '\'')) {
      const std::size_t end = tag.find(tag[i], i + 1);
      if (end == std::string_view::npos) return {};
      return decode_references(tag.substr(i + 1, end - i - 1));
    }
    std::size_t end = i;
    while (end < tag.size() && tag[end] != ' ' && tag[end] != '>') ++end;
    return decode_references(tag.substr(i, end - i));
  }
  return {};
}

Element html_element(const sdk::MarkupEntity& entity) {
  const std::string_view tag = entity.opener;
  std::size_t end = 1;
  while (end < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[end])) || tag[end] == '-')) ++end;
  const std::string name = lower(tag.substr(1, end - 1));
  if (name == "b" || name == "strong") return simple("strong");
  if (name == "i" || name == "em") return simple("em");
  if (name == "u" || name == "ins") return simple("u");
  if (name == "s" || name == "strike" || name == "del") return simple("s");
  if (name == "code") return simple("code");
  if (name == "pre") return simple("pre");
  if (name == "blockquote") return simple("blockquote");
  if (name == "tg-spoiler") return spoiler();
  if (name == "span") return attribute(tag, "class") == "tg-spoiler" ? spoiler() : Element{};
  if (name == "a") return link(attribute(tag, "href"));
  return {};  // tg-emoji: its fallback emoji
}

}  // namespace

std::string render_message_html(std::string_view text, sdk::TextFormat format) {
  if (format == TextFormat::plain) return html_escape(text);
  auto tokens = sdk::read_markup(text, format);
  if (!tokens) return html_escape(text);
  std::vector<Element> elements;
  elements.reserve(tokens->entities.size());
  for (const auto& entity : tokens->entities) {
    elements.push_back(format == TextFormat::html ? html_element(entity) : markdown_element(entity, format));
  }
  std::string html;
  html.reserve(text.size() + text.size() / 4);
  for (const auto& piece : tokens->pieces) {
    const std::string_view slice = text.substr(piece.begin, piece.end - piece.begin);
    switch (piece.kind) {
      case sdk::MarkupPiece::Kind::open: html += elements[piece.entity].open; break;
      case sdk::MarkupPiece::Kind::close: html += elements[piece.entity].close; break;
      case sdk::MarkupPiece::Kind::line_break: html += '\n'; break;
      case sdk::MarkupPiece::Kind::space: html += ' '; break;
      case sdk::MarkupPiece::Kind::character: html += html_escape(character_text(slice, format)); break;
    }
  }
  return html;
}

}  // namespace notifyd::webui
