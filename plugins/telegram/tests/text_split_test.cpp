#include <catch2/catch.hpp>

#include <string>

#include "text_split.hpp"

using namespace notifyd::telegram;

namespace {

std::string joined(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

}  // namespace

TEST_CASE("UTF-16 length counts code points above U+FFFF twice", "[text_split]") {
  CHECK(utf16_length("") == 0);
  CHECK(utf16_length("abc") == 3);
  CHECK(utf16_length("é") == 1);        // 2 UTF-8 bytes
  CHECK(utf16_length("€") == 1);        // 3 bytes
  CHECK(utf16_length("😀") == 2);       // 4 bytes, a surrogate pair
  CHECK(utf16_length("\xff\xfe") == 2);  // invalid bytes count one each
}

TEST_CASE("text within the limit is one part, unchanged", "[text_split]") {
  const std::string text(4096, 'x');
  CHECK(split_text(text) == std::vector<std::string>{text});
  CHECK(split_text("line one\nline two") == std::vector<std::string>{"line one\nline two"});
}

TEST_CASE("long text is split at line breaks and nothing is lost", "[text_split]") {
  std::string text;
  for (int i = 0; i < 500; ++i) text += "row " + std::to_string(i) + ": revenue 45k, average 60k\n";
  text.pop_back();
  const auto parts = split_text(text);
  REQUIRE(parts.size() > 1);
  for (const auto& part : parts) {
    CHECK(utf16_length(part) <= max_message_units);
    CHECK(part.front() == 'r');  // every part starts at a line
  }
  CHECK(joined(parts, "\n") == text);
}

TEST_CASE("a line longer than the limit is cut at spaces, then anywhere", "[text_split]") {
  std::string words;
  while (words.size() < 10000) words += "word ";
  words.pop_back();
  const auto parts = split_text(words, 100);
  for (const auto& part : parts) CHECK(utf16_length(part) <= 100);
  CHECK(joined(parts, " ") == words);

  const std::string solid(250, 'a');
  const auto pieces = split_text(solid, 100);
  CHECK(pieces == std::vector<std::string>{std::string(100, 'a'), std::string(100, 'a'), std::string(50, 'a')});
}

TEST_CASE("splitting never cuts a code point or a surrogate pair", "[text_split]") {
  std::string emoji;
  for (int i = 0; i < 100; ++i) emoji += "😀";  // 200 UTF-16 units
  const auto parts = split_text(emoji, 51);
  std::string back;
  for (const auto& part : parts) {
    CHECK(utf16_length(part) <= 51);
    CHECK(part.size() % 4 == 0);
    back += part;
  }
  CHECK(back == emoji);
}

TEST_CASE("blank parts are left out", "[text_split]") {
  const std::string text = std::string(30, 'a') + std::string(200, '\n') + std::string(30, 'b');
  const auto parts = split_text(text, 50);
  CHECK(parts == std::vector<std::string>{std::string(30, 'a'), std::string(30, 'b')});
  CHECK(split_text("   \n  ").empty());
}
