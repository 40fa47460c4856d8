#include <catch2/catch.hpp>

#include "terminal_text.hpp"

using namespace notifyctl;

TEST_CASE("printable text replaces control characters and invalid UTF-8", "[terminal_text]") {
  CHECK(printable_text("plain \xC3\xA9 text") == "plain \xC3\xA9 text");
  CHECK(printable_text("a\tb\nc") == "a b\nc");
  CHECK(printable_text("\x1b[31m") == "\xEF\xBF\xBD[31m");
  CHECK(printable_text("\x7f") == "\xEF\xBF\xBD");
  CHECK(printable_text("\xC2\x9B" "2J") == "\xEF\xBF\xBD" "2J");
  CHECK(printable_text("\xff") == "\xEF\xBF\xBD");
  CHECK(printable_text("\xE2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(printable_text("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(printable_line("a\r\nb") == "a  b");
}

TEST_CASE("first_line stops at the first newline", "[terminal_text]") {
  CHECK(first_line("one\ntwo") == "one");
  CHECK(first_line("one\r\ntwo") == "one");
  CHECK(first_line("only") == "only");
  CHECK(first_line("") == "");
}

TEST_CASE("truncation counts code points and ends in an ellipsis", "[terminal_text]") {
  CHECK(truncate_characters("hello", 5) == "hello");
  CHECK(truncate_characters("hello!", 5) == "hell\xE2\x80\xA6");
  CHECK(truncate_characters("\xC3\xA9\xC3\xA9\xC3\xA9", 2) == "\xC3\xA9\xE2\x80\xA6");
  CHECK(truncate_characters("abc", 0) == "");
  CHECK(character_count("a\xC3\xA9\xE2\x80\xA6\xF0\x9F\x94\x94") == 4);
}
