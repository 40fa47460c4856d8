#include <catch2/catch.hpp>

#include <string>

#include "markup_split.hpp"
#include "notifyd/sdk/markup_tokens.hpp"

using namespace notifyd::telegram;
using notifyd::sdk::TextFormat;
using notifyd::sdk::MarkupPiece;
using notifyd::sdk::read_markup;

namespace {

// The visible text of valid markup: its characters, without markers.
std::string visible(const std::string& text, TextFormat format) {
  const auto tokens = read_markup(text, format);
  REQUIRE(tokens.ok());
  std::string out;
  for (const auto& piece : tokens.value().pieces) {
    if (piece.kind != MarkupPiece::Kind::open && piece.kind != MarkupPiece::Kind::close) {
      out += text.substr(piece.begin, piece.end - piece.begin);
    }
  }
  return out;
}

std::string report(TextFormat format, const std::string& code_open, const std::string& code_close,
                   const std::string& bold, const std::string& link) {
  std::string text = bold + "\n\nIntro line\n" + code_open;
  for (int i = 0; i < 160; ++i) text += "row " + std::to_string(i) + " value 12345 value 67890\n";
  text += code_close + "\n" + link + "\n";
  for (int i = 0; i < 40; ++i) text += "tail line " + std::to_string(i) + " with words\n";
  (void)format;
  return text;
}

void check_parts(const std::string& text, TextFormat format, std::size_t limit = max_message_units) {
  const auto parts = split_markup(text, format, limit);
  REQUIRE(parts);
  REQUIRE(parts->size() >= 2);
  std::string seen;
  for (const auto& part : *parts) {
    CHECK(utf16_length(part) <= limit);
    const auto tokens = read_markup(part, format);
    INFO(part.substr(0, 200));
    REQUIRE(tokens.ok());
    seen += visible(part, format);
  }
  // Nothing visible is lost but the line breaks at the cuts.
  std::string all = visible(text, format);
  std::erase(all, '\n');
  std::erase(seen, '\n');
  CHECK(seen.size() <= all.size());
  CHECK(all.size() - seen.size() <= parts->size());
}

}  // namespace

TEST_CASE("a long Markdown message keeps its code block, bold and link valid in every part", "[markup_split]") {
  const auto text = report(TextFormat::markdown, "```python\n", "```", "*Weekly report*", "[the dashboard](https://example.com/d)");
  REQUIRE(utf16_length(text) > 6000);
  check_parts(text, TextFormat::markdown);
  const auto parts = split_markup(text, TextFormat::markdown).value();
  CHECK(parts[0].starts_with("*Weekly report*"));
  // The cut inside the block closes it, the next part reopens it with its language.
  CHECK(parts[0].ends_with("```"));
  CHECK(parts[1].starts_with("```python\n"));
}

TEST_CASE("a long MarkdownV2 message splits into valid parts", "[markup_split]") {
  auto text = report(TextFormat::markdown_v2, "```\n", "```", "*Weekly report*", "[the dashboard](https://example.com/d)");
  check_parts(text, TextFormat::markdown_v2);
}

TEST_CASE("a long HTML message splits into valid parts with tags reopened", "[markup_split]") {
  const auto text = report(TextFormat::html, "<pre><code class=\"language-python\">", "</code></pre>",
                           "<b>Weekly report</b>", "<a href=\"https://example.com/d\">the dashboard</a> &amp; more");
  check_parts(text, TextFormat::html);
  const auto parts = split_markup(text, TextFormat::html).value();
  CHECK(parts[0].ends_with("</code></pre>"));
  CHECK(parts[1].starts_with("<pre><code class=\"language-python\">"));
}

TEST_CASE("bold and links open at a cut are closed and reopened", "[markup_split]") {
  const std::string words(30, 'w');
  std::string bold = "*";
  for (int i = 0; i < 10; ++i) bold += words + " ";
  bold += "end*";
  const auto parts = split_markup(bold, TextFormat::markdown, 100);
  REQUIRE(parts);
  for (const auto& part : *parts) {
    CHECK(part.front() == '*');
    CHECK(part.back() == '*');
    CHECK(read_markup(part, TextFormat::markdown).ok());
  }
  const auto link = split_markup("[" + std::string(150, 'a') + "](https://x.org)", TextFormat::markdown, 100);
  REQUIRE(link);
  REQUIRE(link->size() == 2);
  CHECK(link->at(0).ends_with("](https://x.org)"));
  CHECK(link->at(1).front() == '[');
}

TEST_CASE("MarkdownV2 keeps nested underline and italic apart at a cut", "[markup_split]") {
  const std::string text = "__underlined _and italic " + std::string(120, 'x') + " more_ end__";
  const auto parts = split_markup(text, TextFormat::markdown_v2, 100);
  REQUIRE(parts);
  for (const auto& part : *parts) CHECK(read_markup(part, TextFormat::markdown_v2).ok());
}

TEST_CASE("a cut prefers a line break outside entities", "[markup_split]") {
  const std::string text = std::string(60, 'a') + "\n*" + std::string(30, 'b') + "\n" + std::string(30, 'c') + "*";
  const auto parts = split_markup(text, TextFormat::markdown, 100);
  REQUIRE(parts);
  REQUIRE(parts->size() == 2);
  CHECK(parts->at(0) == std::string(60, 'a'));
  CHECK(parts->at(1).front() == '*');
}

TEST_CASE("markup the sender got wrong is not split as markup", "[markup_split]") {
  CHECK_FALSE(split_markup("2*3 = 6", TextFormat::markdown, 100));
  CHECK_FALSE(split_markup("a.b", TextFormat::markdown_v2, 100));
  CHECK_FALSE(split_markup("<b>open", TextFormat::html, 100));
}

TEST_CASE("Telegram's parse errors are reproduced", "[markup_tokens]") {
  CHECK(read_markup("2*3 = 6", TextFormat::markdown).error() ==
        "Can't find end of the entity starting at byte offset 1");
  CHECK(read_markup("*bold", TextFormat::markdown_v2).error() == "Can't find end of Bold entity at byte offset 0");
  CHECK(read_markup("1.5", TextFormat::markdown_v2).error() ==
        "Character '.' is reserved and must be escaped with the preceding '\\'");
  CHECK(read_markup("<x>", TextFormat::html).error() == "Unsupported start tag \"x\" at byte offset 0");
  CHECK(read_markup("<b>a</i>", TextFormat::html).error() ==
        "Unmatched end tag at byte offset 4, expected \"</b>\", found \"</i>\"");
  CHECK(read_markup("<b>a", TextFormat::html).error() == "Can't find end tag corresponding to start tag \"b\"");
  CHECK(read_markup("a \\*b\\* `x*y` [t](u)", TextFormat::markdown).ok());
  CHECK(read_markup("a \\. *b _i_ __u__ ~s~ ||p||* `c\\`` [t](u\\))", TextFormat::markdown_v2).ok());
  CHECK(read_markup("a &lt; <b>b &amp; <i>i</i></b> & <a href=\"x\">l</a>", TextFormat::html).ok());
}

TEST_CASE("a MarkdownV2 italic reopened or closed next to an underline stays apart from it", "[markup_split]") {
  // Found by fuzz/markup.cpp: "_" + "__" at a cut read as "__" + "_", an underline.
  const auto reopened = split_markup("*bold _italic __under__ rest_*", TextFormat::markdown_v2, 20);
  REQUIRE(reopened);
  CHECK(*reopened == std::vector<std::string>{"*bold _italic_*", "*_**__under__ rest_*"});
  const auto closed = split_markup("_italic __under__ tail_", TextFormat::markdown_v2, 20);
  REQUIRE(closed);
  CHECK(*closed == std::vector<std::string>{"_italic __under__**_", "_tail_"});
  for (const auto* parts : {&*reopened, &*closed}) {
    for (const auto& part : *parts) {
      INFO(part);
      CHECK(utf16_length(part) <= 20);
      CHECK(read_markup(part, TextFormat::markdown_v2).ok());
    }
  }
}

TEST_CASE("a cut leaves no entity empty, so reopened markers never run together", "[markup_split]") {
  // Found by fuzz/markup.cpp: a cut at the line break before an inline code's
  // closer started the next part with "`" + "``", which reads as a pre block.
  const std::string text = "*bold `code\n``` and more words here*";  // "``": an empty code entity
  REQUIRE(read_markup(text, TextFormat::markdown_v2).ok());
  for (std::size_t limit = 8; limit <= 40; ++limit) {
    const auto parts = split_markup(text, TextFormat::markdown_v2, limit);
    if (!parts) continue;
    for (const auto& part : *parts) {
      INFO(limit << ": " << part);
      CHECK(utf16_length(part) <= limit);
      CHECK(read_markup(part, TextFormat::markdown_v2).ok());
    }
  }
}

namespace {

// Every split of `text` at every limit in [from, to] reads back as valid
// markup that shows each character of `text`.
void check_every_limit(const std::string& text, TextFormat format, std::size_t from, std::size_t to) {
  const auto tokens = read_markup(text, format);
  REQUIRE(tokens.ok());
  std::string all;
  for (const auto& piece : tokens.value().pieces) {
    if (piece.kind == MarkupPiece::Kind::character) all += text.substr(piece.begin, piece.end - piece.begin);
  }
  for (std::size_t limit = from; limit <= to; ++limit) {
    const auto parts = split_markup(text, format, limit);
    REQUIRE(parts);
    std::string seen;
    for (const auto& part : *parts) {
      INFO(limit << ": " << part);
      CHECK(utf16_length(part) <= limit);
      const auto reread = read_markup(part, format);
      REQUIRE(reread.ok());
      for (const auto& piece : reread.value().pieces) {
        if (piece.kind == MarkupPiece::Kind::character) seen += part.substr(piece.begin, piece.end - piece.begin);
      }
    }
    INFO(limit);
    CHECK(seen == all);
  }
}

}  // namespace

TEST_CASE("a cut never runs a marker into the text beside it", "[markup_split]") {
  SECTION("a Markdown pre block's part never ends in a backtick before its closer") {
    // Found by fuzz/markup.cpp: "``" + "```" read as a closer two characters
    // early, and the two backticks were lost.
    const std::string text = "```\nab`` cd``e fg```";
    check_every_limit(text, TextFormat::markdown, 10, 24);
    const auto parts = split_markup(text, TextFormat::markdown, 12);
    REQUIRE(parts);
    CHECK(*parts == std::vector<std::string>{"```\nab`` ```", "```\ncd``e```", "```\nfg```"});
  }
  SECTION("a MarkdownV2 part never ends in a lone backslash before a closer") {
    check_every_limit("*ab\\\xc3\xa9 cd\\\xc3\xa9 ef*", TextFormat::markdown_v2, 4, 20);
  }
  SECTION("a reopened pre block never starts with a carriage return") {
    check_every_limit("```\nab\rcd\r\nef gh```", TextFormat::markdown, 9, 24);
    check_every_limit("```\nab\rcd\r\nef gh```", TextFormat::markdown_v2, 9, 24);
  }
  SECTION("a MarkdownV2 quote stays at the start of its line") {
    check_every_limit("*ab cd\n>ef gh\n>ij*", TextFormat::markdown_v2, 5, 20);
    check_every_limit("```\nab cd\n>ef gh```", TextFormat::markdown_v2, 8, 24);  // in code, ">" is text
  }
}
