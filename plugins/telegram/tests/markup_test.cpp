#include <catch2/catch.hpp>

#include "markup.hpp"

using namespace notifyd::telegram;
using notifyd::sdk::TextFormat;

TEST_CASE("parse modes are the Bot API's names", "[markup]") {
  CHECK(parse_mode(TextFormat::markdown) == "Markdown");
  CHECK(parse_mode(TextFormat::markdown_v2) == "MarkdownV2");
  CHECK(parse_mode(TextFormat::html) == "HTML");
  CHECK(parse_mode(TextFormat::plain).empty());
}

TEST_CASE("escaping follows each mode's rules", "[markup]") {
  CHECK(escape_text("a_b*c`d[e]", TextFormat::markdown) == "a\\_b\\*c\\`d\\[e]");
  CHECK(escape_text("1.5 - (x) = y!", TextFormat::markdown_v2) == "1\\.5 \\- \\(x\\) \\= y\\!");
  CHECK(escape_text("a\\b", TextFormat::markdown_v2) == "a\\\\b");
  CHECK(escape_text("<b> & </b>", TextFormat::html) == "&lt;b&gt; &amp; &lt;/b&gt;");
  CHECK(escape_text("*as is*", TextFormat::plain) == "*as is*");
}

TEST_CASE("the title is bold in every markup format", "[markup]") {
  CHECK(bold_title("Revenue dropped 25%", TextFormat::markdown) == "*Revenue dropped 25%*");
  CHECK(bold_title("Revenue dropped 25%", TextFormat::markdown_v2) == "*Revenue dropped 25%*");
  CHECK(bold_title("Revenue-drop (7d)", TextFormat::markdown_v2) == "*Revenue\\-drop \\(7d\\)*");
  CHECK(bold_title("a < b", TextFormat::html) == "<b>a &lt; b</b>");
  // Legacy Markdown cannot escape inside an entity: the run is closed around a '*'.
  CHECK(bold_title("2*2=4", TextFormat::markdown) == "*2*\\**2=4*");
  CHECK(bold_title("*x", TextFormat::markdown) == "\\**x*");
  CHECK(bold_title("", TextFormat::markdown).empty());
}

TEST_CASE("title above message; the message passes as written", "[markup]") {
  const auto md = compose_text("Revenue dropped 25%", "Today: $45k | _7d avg_: $60k", TextFormat::markdown);
  CHECK(md.text == "*Revenue dropped 25%*\nToday: $45k | _7d avg_: $60k");
  CHECK(md.format == TextFormat::markdown);
  CHECK(md.bold_units == 0);
  CHECK(compose_text("", "only the message", TextFormat::markdown).text == "only the message");
  CHECK(compose_text("  Title  ", "m", TextFormat::html).text == "<b>Title</b>\nm");
}

TEST_CASE("plain text makes the title bold through an entity", "[markup]") {
  const auto plain = compose_text("Disk 😀", "95% full", TextFormat::plain);
  CHECK(plain.text == "Disk 😀\n95% full");
  CHECK(plain.format == TextFormat::plain);
  CHECK(plain.bold_units == 7);
  const auto fallback = compose_plain("T*", "a*b");
  CHECK(fallback.text == "T*\na*b");
  CHECK(fallback.bold_units == 2);
}

TEST_CASE("invalid UTF-8 is replaced, not sent", "[markup]") {
  const auto composed = compose_text("T\xff", "m\xfe", TextFormat::plain);
  CHECK(composed.text == "T\xEF\xBF\xBD\nm\xEF\xBF\xBD");
}
