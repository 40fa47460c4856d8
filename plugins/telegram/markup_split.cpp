#include "markup_split.hpp"

#include "notifyd/sdk/markup_tokens.hpp"

namespace notifyd::telegram {
namespace {

using sdk::MarkupPiece;
using sdk::MarkupTokens;
using Kind = MarkupPiece::Kind;

// In MarkdownV2 "_" next to "_" would read as the underline marker "__"
// (a reopened italic before a part's own "__", an italic closer after it):
// an empty bold entity between them keeps them apart.
constexpr std::string_view apart = "**";

bool needs_apart(std::string_view before, std::string_view after, sdk::TextFormat format) noexcept {
  return format == sdk::TextFormat::markdown_v2 && before.ends_with('_') && after.starts_with('_');
}

std::size_t apart_units(std::string_view before, std::string_view after, sdk::TextFormat format) noexcept {
  return needs_apart(before, after, format) ? apart.size() : 0;
}

void append_apart(std::string& out, std::string_view next, sdk::TextFormat format) {
  if (needs_apart(out, next, format)) out += apart;
  out += next;
}

std::string joined_markers(const std::vector<const std::string*>& markers, sdk::TextFormat format) {
  std::string out;
  for (const auto* marker : markers) append_apart(out, *marker, format);
  return out;
}

class Splitter {
 public:
  Splitter(std::string_view text, sdk::TextFormat format, MarkupTokens tokens)
      : text_(text), format_(format), tokens_(std::move(tokens)) {
    units_.reserve(tokens_.pieces.size());
    for (const auto& piece : tokens_.pieces) units_.push_back(utf16_length(slice(piece.begin, piece.end)));
  }

  std::optional<std::vector<std::string>> split(std::size_t limit) {
    std::vector<std::string> parts;
    std::vector<std::size_t> open;  // entities open where the next part starts
    std::size_t pos = 0;
    const auto& pieces = tokens_.pieces;
    while (pos < pieces.size()) {
      const std::string prefix = openers(open);
      std::size_t used = utf16_length(prefix) + apart_units(prefix, slice(pieces[pos].begin, text_.size()), format_);
      std::vector<std::size_t> stack = open;
      Cut any, space, line, line_outside;
      std::size_t j = pos;
      for (; j < pieces.size(); ++j) {
        const MarkupPiece& piece = pieces[j];
        if (j > pos && !leaves_entity_empty(j) && !joins_markers(j, stack)) {
          const std::string close = closers(stack);
          const std::size_t cost =
              used + utf16_length(close) + apart_units(slice(pieces[pos].begin, piece.begin), close, format_);
          if (cost <= limit) {
            any = {j, stack, used};
            if (piece.kind == Kind::space) space = any;
            if (piece.kind == Kind::line_break) {
              line = any;
              if (stack.empty()) line_outside = any;
            }
          }
        }
        used += units_[j];
        if (piece.kind == Kind::open) stack.push_back(piece.entity);
        if (piece.kind == Kind::close && !stack.empty()) stack.pop_back();
        if (used > limit) break;
      }
      if (j == pieces.size() && used <= limit) {
        push(parts, joined(prefix, slice(pieces[pos].begin, text_.size()), {}), pos, pieces.size());
        break;
      }
      const Cut* cut = line_outside.valid() && line_outside.length * 2 >= limit ? &line_outside
                       : line.valid()                                             ? &line
                       : space.valid()                                            ? &space
                       : any.valid()                                              ? &any
                                                                                  : nullptr;
      if (cut == nullptr) return std::nullopt;
      push(parts, joined(prefix, slice(pieces[pos].begin, pieces[cut->at].begin), closers(cut->stack)), pos, cut->at);
      open = cut->stack;
      pos = cut->at;
      if (pieces[pos].kind == Kind::line_break || pieces[pos].kind == Kind::space) ++pos;
    }
    return parts;
  }

 private:
  struct Cut {
    std::size_t at = 0;  ///< the first piece of the next part
    std::vector<std::size_t> stack;
    std::size_t length = 0;
    bool valid() const noexcept { return at > 0; }
  };

  std::string_view slice(std::size_t begin, std::size_t end) const { return text_.substr(begin, end - begin); }

  // A cut before piece `at` that would leave an entity empty on one side: right
  // after its opener, or right before its closer (the space or line break at
  // the cut is left out). Reopened and closed at once, markers run together
  // ("`" + "``" reads as "```").
  bool leaves_entity_empty(std::size_t at) const noexcept {
    const auto& pieces = tokens_.pieces;
    if (pieces[at - 1].kind == Kind::open || pieces[at].kind == Kind::close) return true;
    const bool skipped = pieces[at].kind == Kind::space || pieces[at].kind == Kind::line_break;
    return skipped && at + 1 < pieces.size() && pieces[at + 1].kind == Kind::close;
  }

  // A cut before piece `at`, with the entities in `stack` open there, where a
  // marker added at the cut would read together with the text beside it:
  // - Markdown ends an entity at the first character of its closer, so a part
  //   of a pre block ending in "`" would end one or two characters early;
  // - a lone "\\" ending a MarkdownV2 part would escape the closer after it;
  // - a "\r" after a reopened pre block's "```\n" reads as part of that line break;
  // - a MarkdownV2 quote's ">" after a reopened marker is no longer at the
  //   start of a line (outside code, where it is text).
  bool joins_markers(std::size_t at, const std::vector<std::size_t>& stack) const {
    if (stack.empty()) return false;
    const auto& pieces = tokens_.pieces;
    const sdk::MarkupEntity& innermost = tokens_.entities[stack.back()];
    const MarkupPiece& last = pieces[at - 1];
    if (last.kind == Kind::character) {
      const std::string_view before = slice(last.begin, last.end);
      if (format_ == sdk::TextFormat::markdown && before.ends_with(innermost.closer.front())) return true;
      if (format_ == sdk::TextFormat::markdown_v2 && before == "\\") return true;
    }
    std::size_t next = at;
    if (pieces[next].kind == Kind::space || pieces[next].kind == Kind::line_break) ++next;
    if (next == pieces.size() || pieces[next].kind != Kind::character) return false;
    const std::string_view after = slice(pieces[next].begin, pieces[next].end);
    if (after.starts_with('\r') && innermost.opener.ends_with('\n')) return true;
    return format_ == sdk::TextFormat::markdown_v2 && after == ">" && !innermost.verbatim;
  }

  // A part: the reopened entities, a slice of the text, the closed ones.
  std::string joined(const std::string& openers, std::string_view body, const std::string& closers) const {
    std::string part = openers;
    append_apart(part, body, format_);
    append_apart(part, closers, format_);
    return part;
  }

  std::string openers(const std::vector<std::size_t>& stack) const {
    std::vector<const std::string*> markers;
    for (const auto entity : stack) markers.push_back(&tokens_.entities[entity].opener);
    return joined_markers(markers, format_);
  }

  std::string closers(const std::vector<std::size_t>& stack) const {
    std::vector<const std::string*> markers;
    for (auto it = stack.rbegin(); it != stack.rend(); ++it) markers.push_back(&tokens_.entities[*it].closer);
    return joined_markers(markers, format_);
  }

  // Keeps a part only when something in it is visible.
  void push(std::vector<std::string>& parts, std::string part, std::size_t from, std::size_t to) const {
    for (std::size_t k = from; k < to; ++k) {
      if (tokens_.pieces[k].kind == Kind::character) {
        parts.push_back(std::move(part));
        return;
      }
    }
  }

  std::string_view text_;
  sdk::TextFormat format_;
  MarkupTokens tokens_;
  std::vector<std::size_t> units_;
};

}  // namespace

std::optional<std::vector<std::string>> split_markup(std::string_view text, sdk::TextFormat format,
                                                     std::size_t limit) {
  auto tokens = sdk::read_markup(text, format);
  if (!tokens) return std::nullopt;
  return Splitter(text, format, std::move(tokens).value()).split(limit);
}

}  // namespace notifyd::telegram
