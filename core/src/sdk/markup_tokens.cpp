#include "notifyd/sdk/markup_tokens.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "notifyd/sdk/utf8.hpp"

namespace notifyd::sdk {
namespace {

using Kind = MarkupPiece::Kind;
using ReadResult = Result<MarkupTokens>;

// Reads bytes past the end as NUL, as Telegram's parser does with its C string.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  char at(std::size_t i) const noexcept { return i < text_.size() ? text_[i] : '\0'; }
  std::size_t size() const noexcept { return text_.size(); }
  std::string_view slice(std::size_t begin, std::size_t end) const { return text_.substr(begin, end - begin); }

 private:
  std::string_view text_;
};

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

class Builder {
 public:
  explicit Builder(std::string_view text) : text_(text) {}

  // One code point (or a lone invalid byte) starting at `i`; returns the next index.
  std::size_t character(std::size_t i) {
    const std::size_t length = std::max<std::size_t>(utf8_sequence_length(text_, i), 1);
    const char c = text_[i];
    push(c == '\n' ? Kind::line_break : c == ' ' ? Kind::space : Kind::character, i, i + length);
    return i + length;
  }
  void push(Kind kind, std::size_t begin, std::size_t end, std::size_t entity = 0) {
    tokens_.pieces.push_back({kind, begin, end, entity});
  }
  std::size_t open(std::size_t begin, std::size_t end, std::string opener, bool verbatim = false) {
    tokens_.entities.push_back({std::move(opener), {}, verbatim});
    const std::size_t entity = tokens_.entities.size() - 1;
    push(Kind::open, begin, end, entity);
    return entity;
  }
  void close(std::size_t entity, std::size_t begin, std::size_t end, std::string closer) {
    tokens_.entities[entity].closer = std::move(closer);
    push(Kind::close, begin, end, entity);
  }
  MarkupTokens take() { return std::move(tokens_); }

 private:
  std::string_view text_;
  MarkupTokens tokens_;
};

std::string entity_error(std::size_t offset) {
  return "Can't find end of the entity starting at byte offset " + std::to_string(offset);
}

// After "```" at `i`: the language up to the first space, then one line break skipped.
std::size_t skip_pre_header(const Cursor& text, std::size_t i, std::string& language) {
  std::size_t language_end = i;
  while (language_end < text.size() && !is_space(text.at(language_end)) && text.at(language_end) != '`') {
    ++language_end;
  }
  if (i != language_end && language_end < text.size() && text.at(language_end) != '`') {
    language = std::string(text.slice(i, language_end));
    i = language_end;
  }
  if (text.at(i) == '\n' || text.at(i) == '\r') {
    const bool pair = (text.at(i + 1) == '\n' || text.at(i + 1) == '\r') && text.at(i) != text.at(i + 1);
    i += pair ? 2 : 1;
  }
  return i;
}

// Legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url); no
// nesting; '\' escapes _ * ` [ outside entities only.
ReadResult read_markdown(std::string_view source) {
  const Cursor text(source);
  Builder out(source);
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text.at(i);
    if (c == '\\' && (text.at(i + 1) == '_' || text.at(i + 1) == '*' || text.at(i + 1) == '`' || text.at(i + 1) == '[')) {
      out.push(Kind::character, i, i + 2);
      i += 2;
      continue;
    }
    if (c != '_' && c != '*' && c != '`' && c != '[') {
      i = out.character(i);
      continue;
    }
    const std::size_t begin = i;
    const char end_character = c == '[' ? ']' : c;
    ++i;
    bool pre = false;
    std::string language;
    if (c == '`' && text.at(i) == '`' && text.at(i + 1) == '`') {
      pre = true;
      i = skip_pre_header(text, i + 2, language);
    }
    const std::string opener = pre ? "```" + language + "\n" : std::string(1, c);
    const std::size_t entity = out.open(begin, i, opener, c == '`');
    while (i < text.size() &&
           (text.at(i) != end_character || (pre && !(text.at(i + 1) == '`' && text.at(i + 2) == '`')))) {
      i = out.character(i);
    }
    if (i >= text.size()) return ReadResult::failure(entity_error(begin));
    if (c == '[') {
      if (text.at(i + 1) == '(') {
        const std::size_t url_begin = i + 2;
        std::size_t end = url_begin;
        while (end < text.size() && text.at(end) != ')') ++end;
        if (end >= text.size()) return ReadResult::failure("Can't find end of a URL at byte offset " + std::to_string(url_begin));
        out.close(entity, i, end + 1, std::string(text.slice(i, end + 1)));
        i = end + 1;
      } else {
        out.close(entity, i, i + 1, "]");
        i += 1;
      }
    } else if (pre) {
      out.close(entity, i, i + 3, "```");
      i += 3;
    } else {
      out.close(entity, i, i + 1, std::string(1, c));
      i += 1;
    }
  }
  return out.take();
}

enum class V2Type { bold, italic, underline, strike, spoiler, code, pre, link, emoji };

const char* v2_type_name(V2Type type) {
  switch (type) {
    case V2Type::bold: return "Bold";
    case V2Type::italic: return "Italic";
    case V2Type::underline: return "Underline";
    case V2Type::strike: return "Strikethrough";
    case V2Type::spoiler: return "Spoiler";
    case V2Type::code: return "Code";
    case V2Type::pre: return "Pre";
    case V2Type::link: return "TextUrl";
    case V2Type::emoji: return "CustomEmoji";
  }
  return "Entity";
}

std::string reserved_error(char c) {
  return std::string("Character '") + c + "' is reserved and must be escaped with the preceding '\\'";
}

// MarkdownV2: nested *bold* _italic_ __underline__ ~strike~ ||spoiler||,
// `code`, ```pre```, [text](url), ![emoji](tg://emoji?id=…), > quotes; '\'
// escapes any ASCII character; every other reserved character must be escaped.
ReadResult read_markdown_v2(std::string_view source) {
  const Cursor text(source);
  Builder out(source);
  struct Open {
    V2Type type;
    std::size_t entity;
    std::size_t byte_offset;
  };
  std::vector<Open> stack;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text.at(i);
    if (c == '\\' && text.at(i + 1) > 0 && text.at(i + 1) <= 126) {
      out.push(Kind::character, i, i + 2);
      i += 2;
      continue;
    }
    const bool verbatim = !stack.empty() && (stack.back().type == V2Type::code || stack.back().type == V2Type::pre);
    const std::string_view reserved = verbatim ? "`" : "_*[]()~`>#+-=|{}.!";
    if (reserved.find(c) == std::string_view::npos) {
      i = out.character(i);
      continue;
    }
    if (c == '>' && (i == 0 || text.at(i - 1) == '\n')) {  // a quote line
      out.push(Kind::character, i, i + 1);
      ++i;
      continue;
    }
    bool ends = false;
    if (!stack.empty()) {
      switch (stack.back().type) {
        case V2Type::bold: ends = c == '*'; break;
        case V2Type::italic: ends = c == '_' && text.at(i + 1) != '_'; break;
        case V2Type::code: ends = c == '`'; break;
        case V2Type::pre: ends = c == '`' && text.at(i + 1) == '`' && text.at(i + 2) == '`'; break;
        case V2Type::link:
        case V2Type::emoji: ends = c == ']'; break;
        case V2Type::underline: ends = c == '_' && text.at(i + 1) == '_'; break;
        case V2Type::strike: ends = c == '~'; break;
        case V2Type::spoiler: ends = c == '|' && text.at(i + 1) == '|'; break;
      }
    }
    if (!ends) {
      const std::size_t begin = i;
      V2Type type;
      std::string opener(1, c);
      switch (c) {
        case '_':
          type = text.at(i + 1) == '_' ? V2Type::underline : V2Type::italic;
          if (type == V2Type::underline) opener = "__";
          break;
        case '*': type = V2Type::bold; break;
        case '~': type = V2Type::strike; break;
        case '|':
          if (text.at(i + 1) != '|') return ReadResult::failure(reserved_error(c));
          type = V2Type::spoiler;
          opener = "||";
          break;
        case '[': type = V2Type::link; break;
        case '!':
          if (text.at(i + 1) != '[') return ReadResult::failure(reserved_error(c));
          type = V2Type::emoji;
          opener = "![";
          break;
        case '`':
          if (text.at(i + 1) == '`' && text.at(i + 2) == '`') {
            type = V2Type::pre;
            std::string language;
            const std::size_t after = skip_pre_header(text, i + 3, language);
            stack.push_back({type, out.open(begin, after, "```" + language + "\n", true), begin});
            i = after;
            continue;
          }
          type = V2Type::code;
          break;
        default: return ReadResult::failure(reserved_error(c));
      }
      i += opener.size();
      stack.push_back({type, out.open(begin, i, opener, type == V2Type::code), begin});
      continue;
    }
    const Open top = stack.back();
    stack.pop_back();
    switch (top.type) {
      case V2Type::underline:
      case V2Type::spoiler:
        out.close(top.entity, i, i + 2, std::string(text.slice(i, i + 2)));
        i += 2;
        break;
      case V2Type::pre:
        out.close(top.entity, i, i + 3, "```");
        i += 3;
        break;
      case V2Type::link:
      case V2Type::emoji: {
        if (text.at(i + 1) != '(') {
          if (top.type == V2Type::emoji) return ReadResult::failure("Custom emoji entity must contain a tg://emoji URL");
          out.close(top.entity, i, i + 1, "]");
          i += 1;
          break;
        }
        const std::size_t url_begin = i + 2;
        std::size_t end = url_begin;
        while (end < text.size() && text.at(end) != ')') end += text.at(end) == '\\' && text.at(end + 1) > 0 ? 2 : 1;
        if (end >= text.size()) return ReadResult::failure("Can't find end of a URL at byte offset " + std::to_string(url_begin));
        out.close(top.entity, i, end + 1, std::string(text.slice(i, end + 1)));
        i = end + 1;
        break;
      }
      default:
        out.close(top.entity, i, i + 1, std::string(1, c));
        i += 1;
        break;
    }
  }
  if (!stack.empty()) {
    return ReadResult::failure(std::string("Can't find end of ") + v2_type_name(stack.back().type) +
                           " entity at byte offset " + std::to_string(stack.back().byte_offset));
  }
  return out.take();
}

bool html_tag_allowed(std::string_view name) {
  static constexpr std::array<std::string_view, 16> allowed = {"b",    "strong", "i",   "em",         "u",          "ins",
                                                               "s",    "strike", "del", "span",       "tg-spoiler", "a",
                                                               "code", "pre",    "blockquote", "tg-emoji"};
  return std::find(allowed.begin(), allowed.end(), name) != allowed.end();
}

std::size_t character_reference_end(const Cursor& text, std::size_t i) {
  std::size_t j = i + 1;
  if (text.at(j) == '#') {
    ++j;
    const bool hex = text.at(j) == 'x' || text.at(j) == 'X';
    if (hex) ++j;
    const std::size_t digits = j;
    while (hex ? std::isxdigit(static_cast<unsigned char>(text.at(j))) : std::isdigit(static_cast<unsigned char>(text.at(j)))) ++j;
    if (j == digits) return 0;
  } else {
    const std::size_t name = j;
    while (std::isalpha(static_cast<unsigned char>(text.at(j)))) ++j;
    if (j == name) return 0;
  }
  return text.at(j) == ';' ? j + 1 : 0;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// HTML: the tags Telegram knows, properly nested; &lt; &gt; &amp; &quot;
// and numeric references are one character each.
ReadResult read_html(std::string_view source) {
  const Cursor text(source);
  Builder out(source);
  struct Open {
    std::string name;
    std::size_t entity;
  };
  std::vector<Open> stack;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text.at(i);
    if (c == '&') {
      if (const std::size_t end = character_reference_end(text, i)) {
        out.push(Kind::character, i, end);
        i = end;
      } else {
        i = out.character(i);
      }
      continue;
    }
    if (c != '<') {
      i = out.character(i);
      continue;
    }
    const std::size_t begin = i;
    const bool closing = text.at(i + 1) == '/';
    std::size_t j = i + (closing ? 2 : 1);
    const std::size_t name_begin = j;
    while (std::isalnum(static_cast<unsigned char>(text.at(j))) || text.at(j) == '-') ++j;
    const std::string name = lower(text.slice(name_begin, j));
    const std::size_t end = source.find('>', j);
    if (closing) {
      if (end == std::string_view::npos) return ReadResult::failure("Unclosed end tag at byte offset " + std::to_string(begin));
      if (stack.empty()) return ReadResult::failure("Unexpected end tag at byte offset " + std::to_string(begin));
      if (stack.back().name != name) {
        return ReadResult::failure("Unmatched end tag at byte offset " + std::to_string(begin) + ", expected \"</" +
                               stack.back().name + ">\", found \"</" + name + ">\"");
      }
      out.close(stack.back().entity, begin, end + 1, std::string(text.slice(begin, end + 1)));
      stack.pop_back();
      i = end + 1;
      continue;
    }
    if (!html_tag_allowed(name)) {
      return ReadResult::failure("Unsupported start tag \"" + name + "\" at byte offset " + std::to_string(begin));
    }
    if (end == std::string_view::npos) return ReadResult::failure("Unclosed start tag at byte offset " + std::to_string(begin));
    const bool verbatim = name == "code" || name == "pre";
    stack.push_back({name, out.open(begin, end + 1, std::string(text.slice(begin, end + 1)), verbatim)});
    i = end + 1;
  }
  if (!stack.empty()) {
    return ReadResult::failure("Can't find end tag corresponding to start tag \"" + stack.back().name + "\"");
  }
  return out.take();
}

}  // namespace

Result<MarkupTokens> read_markup(std::string_view text, TextFormat format) {
  switch (format) {
    case TextFormat::markdown: return read_markdown(text);
    case TextFormat::markdown_v2: return read_markdown_v2(text);
    case TextFormat::html: return read_html(text);
    case TextFormat::plain: break;
  }
  Builder out(text);
  for (std::size_t i = 0; i < text.size();) i = out.character(i);
  return out.take();
}

}  // namespace notifyd::sdk
