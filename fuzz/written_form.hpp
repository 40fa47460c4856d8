#pragma once
// A file format read by `parse` and written by `serialize`: whatever parses
// is written in a form that reads back to the same thing, so writing what was
// read from the written text gives that text again.
#include <string_view>

#include "fuzz/fuzz_check.hpp"

namespace notifyd::fuzz {

template <class Parse, class Serialize>
void check_written_form(std::string_view text, Parse parse, Serialize serialize) {
  const auto parsed = parse(text);
  if (!parsed) {
    FUZZ_CHECK(!parsed.error().empty());
    return;
  }
  const auto written = serialize(parsed.value());
  const auto again = parse(written);
  FUZZ_CHECK(again);
  FUZZ_CHECK(serialize(again.value()) == written);
}

}  // namespace notifyd::fuzz
