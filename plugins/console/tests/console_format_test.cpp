#include <catch2/catch.hpp>

#include "../console_format.hpp"

using notifyd::sdk::Notification;

TEST_CASE("text format shows header, title and indented message lines") {
  Notification n;
  n.id = 7;
  n.user = "alice";
  n.source = "revenue_drop";
  n.title = "Revenue dropped 25%";
  n.message = "Today: $45k\n7d avg: $60k";
  n.created_at_ms = 1764079781000;  // 2025-11-25T14:09:41Z
  const auto text = notifyd::console::format_text(n);
  CHECK(text ==
        "── notification 7 for alice from revenue_drop at 2025-11-25T14:09:41Z\n"
        "   Revenue dropped 25%\n"
        "   Today: $45k\n"
        "   7d avg: $60k\n");
}

TEST_CASE("json line escapes text and ends with one newline") {
  Notification n;
  n.id = 1;
  n.user = "bob";
  n.message = "quote \" and\nnewline";
  const auto line = notifyd::console::format_json_line(n);
  CHECK(line.find("\"message\":\"quote \\\" and\\nnewline\"") != std::string::npos);
  CHECK(line.back() == '\n');
  CHECK(std::count(line.begin(), line.end(), '\n') == 1);
}
