#include "markup_split.hpp"

#include "notifyd/sdk/markup_tokens.hpp"

namespace notifyd::telegram {
namespace {

using sdk::MarkupPiece;
using sdk::MarkupTokens;
using Kind = MarkupPiece::Kind;

// Markers written one after another. In MarkdownV2 "_" next to "__" would
// read as one underline marker: an empty bold entity keeps them apart.
std::string joined_markers(const std::vector<const std::string*>& markers, sdk::TextFormat format) {
  std::string out;
  for (const auto* marker : markers) {
    if (format == sdk::TextFormat::markdown_v2 && !out.empty() && out.back() == '_' && !marker->empty() &&
        marker->front() == '_') {
      out += "**";
    }
    out += *marker;
  }
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
      std::size_t used = utf16_length(prefix);
      std::vector<std::size_t> stack = open;
      Cut any, space, line, line_outside;
      std::size_t j = pos;
      for (; j < pieces.size(); ++j) {
        const MarkupPiece& piece = pieces[j];
        if (j > pos) {
          const std::size_t cost = used + utf16_length(closers(stack));
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
        push(parts, prefix + std::string(slice(pieces[pos].begin, text_.size())), pos, pieces.size());
        break;
      }
      const Cut* cut = line_outside.valid() && line_outside.length * 2 >= limit ? &line_outside
                       : line.valid()                                             ? &line
                       : space.valid()                                            ? &space
                       : any.valid()                                              ? &any
                                                                                  : nullptr;
      if (cut == nullptr) return std::nullopt;
      push(parts, prefix + std::string(slice(pieces[pos].begin, pieces[cut->at].begin)) + closers(cut->stack), pos,
           cut->at);
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
