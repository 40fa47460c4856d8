#include <catch2/catch.hpp>

#include "delivery_plan.hpp"
#include "text_split.hpp"

using namespace notifyd::telegram;
using notifyd::sdk::TextFormat;

namespace {

notifyd::sdk::Notification notification(std::string title, std::string message,
                                        TextFormat format = TextFormat::markdown) {
  notifyd::sdk::Notification n;
  n.id = 7;
  n.user = "alice";
  n.title = std::move(title);
  n.message = std::move(message);
  n.format = format;
  return n;
}

}  // namespace

TEST_CASE("a text notification is one message with a plain fallback", "[delivery_plan]") {
  const auto plan = plan_delivery(notification("Revenue", "2*3 = 6"), 42, false);
  REQUIRE(plan.size() == 1);
  CHECK(plan[0].kind == OutgoingMessage::Kind::text);
  CHECK(plan[0].chat_id == 42);
  CHECK(plan[0].body.text == "*Revenue*\n2*3 = 6");
  CHECK(plan[0].body.format == TextFormat::markdown);
  REQUIRE(plan[0].fallback);
  CHECK(plan[0].fallback->text == "Revenue\n2*3 = 6");
  CHECK(plan[0].fallback->format == TextFormat::plain);
  CHECK(plan[0].fallback->bold_units == 7);
}

TEST_CASE("plain notifications need no fallback", "[delivery_plan]") {
  const auto plan = plan_delivery(notification("T", "m", TextFormat::plain), 1, false);
  REQUIRE(plan.size() == 1);
  CHECK_FALSE(plan[0].fallback);
  CHECK(plan[0].body.bold_units == 1);
}

TEST_CASE("long text becomes several messages in order, each within the limit", "[delivery_plan]") {
  std::string message;
  for (int i = 0; i < 400; ++i) message += "line " + std::to_string(i) + " of the report\n";
  const auto plan = plan_delivery(notification("Report", message), 5, false);
  REQUIRE(plan.size() >= 2);
  std::string back;
  for (const auto& part : plan) {
    CHECK(utf16_length(part.body.text) <= max_message_units);
    REQUIRE(part.fallback);
    CHECK(part.fallback->text == part.body.text);  // each part falls back to itself
    back += part.body.text + "\n";
  }
  CHECK(back.find("line 0 of") != std::string::npos);
  CHECK(back.find("line 399 of") != std::string::npos);
}

TEST_CASE("a photo carries the text as caption when it fits", "[delivery_plan]") {
  auto n = notification("Daily", "chart attached");
  n.image_path = "/data/images/7.png";
  n.image_type = notifyd::sdk::ImageType::png;
  const auto plan = plan_delivery(n, 9, true);
  REQUIRE(plan.size() == 1);
  CHECK(plan[0].kind == OutgoingMessage::Kind::photo);
  CHECK(plan[0].photo_path == "/data/images/7.png");
  CHECK(plan[0].photo_mime == "image/png");
  CHECK(plan[0].body.text == "*Daily*\nchart attached");
}

TEST_CASE("a caption over 1024 units becomes photo plus follow-up text", "[delivery_plan]") {
  auto n = notification("Daily", std::string(1500, 'x'));
  n.image_path = "/data/images/7.jpg";
  n.image_type = notifyd::sdk::ImageType::jpeg;
  const auto plan = plan_delivery(n, 9, true);
  REQUIRE(plan.size() == 2);
  CHECK(plan[0].kind == OutgoingMessage::Kind::photo);
  CHECK(plan[0].photo_mime == "image/jpeg");
  CHECK(plan[0].body.text == "*Daily*");
  CHECK(plan[1].kind == OutgoingMessage::Kind::text);
  CHECK(plan[1].body.text == std::string(1500, 'x'));
}

TEST_CASE("without a readable image only the text goes", "[delivery_plan]") {
  auto n = notification("T", "m");
  n.image_path = "/gone.png";
  const auto plan = plan_delivery(n, 9, false);
  REQUIRE(plan.size() == 1);
  CHECK(plan[0].kind == OutgoingMessage::Kind::text);
}

TEST_CASE("replies are plain text with the keyboard on the last part", "[delivery_plan]") {
  const auto plan = plan_reply(3, std::string(5000, 'y'), TextFormat::plain, R"({"inline_keyboard":[]})");
  REQUIRE(plan.size() == 2);
  CHECK(plan[0].reply_markup.empty());
  CHECK(plan[1].reply_markup == R"({"inline_keyboard":[]})");
  CHECK(plan[0].body.format == TextFormat::plain);
  CHECK_FALSE(plan[0].fallback);
}

TEST_CASE("min and low priority notifications go silently, every part of them", "[delivery_plan]") {
  auto n = notification("Weekly", std::string(5000, 'x'), TextFormat::plain);
  for (const auto priority : {notifyd::sdk::Priority::min, notifyd::sdk::Priority::low}) {
    n.priority = priority;
    const auto plan = plan_delivery(n, 1, false);
    REQUIRE(plan.size() > 1);
    for (const auto& part : plan) CHECK(part.silent);
  }
  for (const auto priority :
       {notifyd::sdk::Priority::normal, notifyd::sdk::Priority::high, notifyd::sdk::Priority::urgent}) {
    n.priority = priority;
    CHECK_FALSE(plan_delivery(n, 1, false)[0].silent);
  }
  n.priority = notifyd::sdk::Priority::low;
  n.image_path = "/tmp/chart.png";
  CHECK(plan_delivery(n, 1, true)[0].silent);
}

TEST_CASE("tags follow the message as hashtags, escaped for its format", "[delivery_plan]") {
  auto n = notification("Disk", "99% full");
  n.tags = {"disk_full", "prod-eu", "größe"};
  auto plan = plan_delivery(n, 1, false);
  REQUIRE(plan.size() == 1);
  CHECK(plan[0].body.text == "*Disk*\n99% full\n\n#disk\\_full #prod\\_eu #größe");
  CHECK(plan[0].fallback->text == "Disk\n99% full\n\n#disk_full #prod_eu #größe");

  n.format = TextFormat::markdown_v2;
  CHECK(plan_delivery(n, 1, false)[0].body.text == "*Disk*\n99% full\n\n\\#disk\\_full \\#prod\\_eu \\#größe");
  n.format = TextFormat::html;
  n.tags = {"a<b>"};
  CHECK(plan_delivery(n, 1, false)[0].body.text == "<b>Disk</b>\n99% full\n\n#a_b_");
  n.format = TextFormat::plain;
  n.message.clear();
  n.tags = {"only"};
  CHECK(plan_delivery(n, 1, false)[0].body.text == "Disk\n#only");

  auto photo = notification("Chart", "today", TextFormat::plain);
  photo.tags = {"sales"};
  photo.image_path = "/tmp/chart.png";
  CHECK(plan_delivery(photo, 1, true)[0].body.text == "Chart\ntoday\n\n#sales");
}
