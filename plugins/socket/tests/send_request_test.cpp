#include <catch2/catch.hpp>

#include <string>

#include "notifyd/sdk/base64.hpp"
#include "notifyd/sdk/api/send_requests.hpp"
#include "test_support.hpp"

using namespace notifyd;
using namespace notifyd::sdk::api;

namespace {

std::string error_of(const sdk::HttpResponse& response) { return response.body; }

}  // namespace

TEST_CASE("/send accepts the seed's body") {
  auto parsed = parse_send_body(R"({"user":"alice","text":"*disk* full","parse_mode":"Markdown"})");
  REQUIRE(parsed.ok());
  const auto& n = parsed.value().notification;
  CHECK(n.user == "alice");
  CHECK(n.message == "*disk* full");
  CHECK(n.format == sdk::TextFormat::markdown);
  CHECK(n.source == "api");
  CHECK(n.title.empty());
  CHECK_FALSE(parsed.value().image);
}

TEST_CASE("/send defaults parse_mode to Markdown and reads the other modes") {
  CHECK(parse_send_body(R"({"user":"a","text":"t"})").value().notification.format == sdk::TextFormat::markdown);
  CHECK(parse_send_body(R"({"user":"a","text":"t","parse_mode":null})").value().notification.format ==
        sdk::TextFormat::markdown);
  CHECK(parse_send_body(R"({"user":"a","text":"t","parse_mode":"HTML"})").value().notification.format ==
        sdk::TextFormat::html);
  CHECK(parse_send_body(R"({"user":"a","text":"t","parse_mode":"MarkdownV2"})").value().notification.format ==
        sdk::TextFormat::markdown_v2);
}

TEST_CASE("/send refuses bodies that are not a JSON object") {
  for (const char* body : {"", "not json", "[1,2]", "\"alice\"", "{\"user\":\"a\",", "{} trailing", "{\"user\":\"a\"}}",
                           "{\"user\":\"\xff\xfe\",\"text\":\"t\"}"}) {
    INFO(body);
    auto parsed = parse_send_body(body);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().status == 400);
    CHECK(error_of(parsed.error()) == R"({"error":"invalid JSON"})");
  }
}

TEST_CASE("/send names the missing or wrong field") {
  struct Case {
    const char* body;
    const char* error;
  } cases[] = {
      {R"({})", R"({"error":"missing field: user"})"},
      {R"({"text":"hi"})", R"({"error":"missing field: user"})"},
      {R"({"user":"","text":"hi"})", R"({"error":"missing field: user"})"},
      {R"({"user":null,"text":"hi"})", R"({"error":"missing field: user"})"},
      {R"({"user":"alice"})", R"({"error":"missing field: text"})"},
      {R"({"user":"alice","text":""})", R"({"error":"missing field: text"})"},
      {R"({"user":42,"text":"hi"})", R"j({"error":"invalid field: user (expected a string)"})j"},
      {R"({"user":"alice","text":["hi"]})", R"j({"error":"invalid field: text (expected a string)"})j"},
      {R"({"user":"alice","text":"hi","parse_mode":"rtf"})",
       R"j({"error":"invalid field: parse_mode (expected Markdown, MarkdownV2, HTML or plain)"})j"},
      {R"({"user":"alice","text":"hi","parse_mode":1})", R"j({"error":"invalid field: parse_mode (expected a string)"})j"},
      {R"({"user":"al ice","text":"hi"})", R"({"error":"invalid field: user"})"},
      {R"({"user":"../etc","text":"hi"})", R"({"error":"invalid field: user"})"},
      {R"({"user":"a\u0000b","text":"hi"})", R"({"error":"invalid field: user"})"},
  };
  for (const auto& c : cases) {
    INFO(c.body);
    auto parsed = parse_send_body(c.body);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().status == 400);
    CHECK(error_of(parsed.error()) == c.error);
  }
}

TEST_CASE("JSON nested too deeply is refused without recursion; huge flat bodies are fine") {
  const std::string deep = "{\"user\":\"a\",\"text\":\"t\",\"x\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  CHECK(parse_send_body(deep).error().status == 400);
  const std::string deep_data = "{\"user\":\"a\",\"message\":\"t\",\"data\":" + std::string(50000, '{') + "}";
  CHECK(error_of(parse_notify_body(deep_data, 1000).error()) == R"({"error":"invalid JSON"})");

  std::string wide = "{\"user\":\"a\",\"text\":\"t\",\"x\":[";
  for (int i = 0; i < 200000; ++i) wide += i ? ",0" : "0";
  wide += "]}";
  CHECK(parse_send_body(wide).ok());

  // Brackets inside strings do not count as nesting.
  const std::string brackets = "{\"user\":\"a\",\"text\":\"" + std::string(1000, '[') + "\\\"]\"}";
  CHECK(parse_send_body(brackets).ok());
}

TEST_CASE("/send_photo reads user, photo_path, caption and parse_mode") {
  auto parsed = parse_send_photo_body(R"({"user":"bob","photo_path":"/tmp/chart.png","caption":"Revenue"})");
  REQUIRE(parsed.ok());
  CHECK(parsed.value().user == "bob");
  CHECK(parsed.value().photo_path == "/tmp/chart.png");
  CHECK(parsed.value().caption == "Revenue");
  CHECK(parsed.value().format == sdk::TextFormat::markdown);

  auto without_caption = parse_send_photo_body(R"({"user":"bob","photo_path":"/tmp/chart.png"})");
  REQUIRE(without_caption.ok());
  CHECK(without_caption.value().caption.empty());

  CHECK(error_of(parse_send_photo_body(R"({"user":"bob"})").error()) == R"({"error":"missing field: photo_path"})");
  CHECK(error_of(parse_send_photo_body(R"({"user":"bob","photo_path":"/x","caption":7})").error()) ==
        R"j({"error":"invalid field: caption (expected a string)"})j");
  CHECK(error_of(parse_send_photo_body("[]").error()) == R"({"error":"invalid JSON"})");
}

TEST_CASE("/v1/notify reads every field") {
  const std::string body = R"({"user":"carol","title":"Disk","message":"92% used","format":"plain","source":"disk_check",)"
                           R"("data":{"used":92,"mounts":["/","/data"]},"channels":["bot"],"image":")" +
                           sdk::base64_encode(notifyd::testing::png_bytes) + "\"}";
  auto parsed = parse_notify_body(body, 1 << 20);
  REQUIRE(parsed.ok());
  const auto& request = parsed.value();
  CHECK(request.notification.user == "carol");
  CHECK(request.notification.title == "Disk");
  CHECK(request.notification.message == "92% used");
  CHECK(request.notification.format == sdk::TextFormat::plain);
  CHECK(request.notification.source == "disk_check");
  CHECK(request.notification.data_json == R"({"used":92,"mounts":["/","/data"]})");
  CHECK(request.channels == std::vector<std::string>{"bot"});
  REQUIRE(request.image);
  CHECK(request.image->bytes == notifyd::testing::png_bytes);
  CHECK(request.image->type == sdk::ImageType::png);
}

TEST_CASE("a body with a NUL byte is refused") {
  // Found by fuzz/api_bodies.cpp: RapidJSON took a NUL byte for the end of the text.
  using namespace std::string_literals;
  const auto with_nul = parse_send_body("{\"user\":\"carol\",\"text\":\"t\"}\0trailing"s);
  REQUIRE_FALSE(with_nul.ok());
  CHECK(with_nul.error().status == 400);
}

TEST_CASE("a body whose escapes decode to something that is not UTF-8 is refused") {
  // Found by fuzz/api_bodies.cpp: RapidJSON decodes a lone low surrogate into invalid UTF-8.
  const auto lone = parse_send_body(R"({"user":"carol","text":"a\uDDDDb"})");
  REQUIRE_FALSE(lone.ok());
  CHECK(lone.error().status == 400);
  CHECK(parse_send_body(R"({"user":"carol","text":"\uD83D\uDE00"})").ok());  // a pair is fine
  CHECK_FALSE(parse_notify_body(R"({"user":"carol","message":"m","data":{"\uDC00":1}})", 100).ok());
}

TEST_CASE("/v1/notify defaults and refusals") {
  auto minimal = parse_notify_body(R"({"user":"carol","message":"m"})", 100);
  REQUIRE(minimal.ok());
  CHECK(minimal.value().notification.source == "api");
  CHECK(minimal.value().notification.data_json.empty());
  CHECK(minimal.value().channels.empty());

  // An image without a message is fine; neither is not.
  auto image_only = parse_notify_body("{\"user\":\"carol\",\"image\":\"data:image/png;base64," + sdk::base64_encode(notifyd::testing::png_bytes) + "\"}", 100);
  REQUIRE(image_only.ok());
  CHECK(image_only.value().notification.message.empty());
  CHECK(error_of(parse_notify_body(R"({"user":"carol"})", 100).error()) == R"({"error":"missing field: message"})");

  struct Case {
    std::string body;
    unsigned status;
    std::string error;
  } cases[] = {
      {R"({"user":"c","message":"m","data":[1]})", 400, R"j({"error":"invalid field: data (expected an object)"})j"},
      {R"({"user":"c","message":"m","data":"{}"})", 400, R"j({"error":"invalid field: data (expected an object)"})j"},
      {R"({"user":"c","message":"m","channels":"bot"})", 400,
       R"j({"error":"invalid field: channels (expected an array of channel names)"})j"},
      {R"({"user":"c","message":"m","channels":["bot",3]})", 400,
       R"j({"error":"invalid field: channels (expected an array of channel names)"})j"},
      {R"({"user":"c","message":"m","image":"not base64!"})", 400,
       R"j({"error":"invalid field: image (expected a base64 string)"})j"},
      {R"({"user":"c","message":"m","image":"QUJD="})", 400, R"j({"error":"invalid field: image (expected a base64 string)"})j"},
      {R"({"user":"c","message":"m","image":42})", 400, R"j({"error":"invalid field: image (expected a base64 string)"})j"},
      {"{\"user\":\"c\",\"message\":\"m\",\"image\":\"" + sdk::base64_encode("plain text, not an image") + "\"}", 415,
       R"({"error":"image is not a PNG, JPEG, GIF or WebP image"})"},
      {"{\"user\":\"c\",\"message\":\"m\",\"image\":\"" + sdk::base64_encode(notifyd::testing::png_bytes + std::string(200, 'x')) + "\"}", 413,
       R"({"error":"image is larger than 100 bytes"})"},
      {R"({"user":"c","message":"m","source":""})", 400, R"({"error":"invalid field: source"})"},
      {R"({"user":"c","message":"m","format":"markup"})", 400,
       R"j({"error":"invalid field: format (expected Markdown, MarkdownV2, HTML or plain)"})j"},
      {R"({"message":"m"})", 400, R"({"error":"missing field: user"})"},
  };
  for (const auto& c : cases) {
    INFO(c.body);
    auto parsed = parse_notify_body(c.body, 100);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().status == c.status);
    CHECK(error_of(parsed.error()) == c.error);
  }
}

TEST_CASE("only the user itself or an admin may send") {
  sdk::Caller alice{"alice", false};
  CHECK_FALSE(refuse_unless_may_act_for(alice, "alice"));
  auto refusal = refuse_unless_may_act_for(alice, "bob");
  REQUIRE(refusal);
  CHECK(refusal->status == 403);
  CHECK(refusal->body == R"({"error":"alice may only send to itself"})");
  CHECK_FALSE(refuse_unless_may_act_for(sdk::Caller{"root", true}, "bob"));
}

TEST_CASE("publish outcomes map to the seed's statuses") {
  using Code = sdk::PublishOutcome::Code;
  auto accepted = publish_response({Code::accepted, 7, {"bot", "desk"}, ""}, "alice");
  CHECK(accepted.status == 200);
  CHECK(accepted.content_type == "application/json");
  CHECK(accepted.body == R"({"ok":true,"id":7,"channels":["bot","desk"]})");
  CHECK(publish_response({Code::accepted, 8, {}, ""}, "a").body == R"({"ok":true,"id":8,"channels":[]})");

  auto not_linked = publish_response({Code::not_linked, 0, {}, ""}, "alice");
  CHECK(not_linked.status == 404);
  CHECK(not_linked.body == R"({"error":"user alice has no linked channel"})");
  auto blocked = publish_response({Code::not_linked, 0, {}, "alice has blocked the bot"}, "alice");
  CHECK(blocked.status == 404);
  CHECK(blocked.body == R"({"error":"alice has blocked the bot"})");

  auto invalid = publish_response({Code::invalid, 0, {}, "empty message"}, "alice");
  CHECK(invalid.status == 400);
  CHECK(invalid.body == R"({"error":"empty message"})");

  auto unavailable = publish_response({Code::unavailable, 0, {}, ""}, "alice");
  CHECK(unavailable.status == 503);
  CHECK(unavailable.body == R"({"error":"notification store unavailable"})");
}

TEST_CASE("/v1/notify, /send and /send_photo read priority as a number or name, and tags") {
  auto notify = parse_notify_body(R"j({"user":"alice","message":"m","priority":"max","tags":["disk"," prod","disk"]})j", 1024);
  REQUIRE(notify.ok());
  CHECK(notify.value().notification.priority == sdk::Priority::urgent);
  CHECK(notify.value().notification.tags == std::vector<std::string>{"disk", "prod"});

  auto send = parse_send_body(R"j({"user":"alice","text":"t","priority":2,"tags":["report"]})j");
  REQUIRE(send.ok());
  CHECK(send.value().notification.priority == sdk::Priority::low);
  CHECK(send.value().notification.tags == std::vector<std::string>{"report"});

  auto photo = parse_send_photo_body(R"j({"user":"alice","photo_path":"/tmp/c.png","priority":"high","tags":["chart"]})j");
  REQUIRE(photo.ok());
  CHECK(photo.value().priority == sdk::Priority::high);
  CHECK(photo.value().tags == std::vector<std::string>{"chart"});

  auto plain = parse_notify_body(R"j({"user":"alice","message":"m","priority":null,"tags":null})j", 1024);
  REQUIRE(plain.ok());
  CHECK(plain.value().notification.priority == sdk::default_priority);
  CHECK(plain.value().notification.tags.empty());
}

TEST_CASE("a bad priority or tags is a 400 naming the field") {
  struct Case {
    const char* body;
    const char* error;
  };
  const Case cases[] = {
      {R"j({"user":"a","message":"m","priority":0})j",
       R"j({"error":"invalid field: priority (expected 1-5 or min, low, default, high, urgent (max), got 0)"})j"},
      {R"j({"user":"a","message":"m","priority":"loud"})j",
       R"j({"error":"invalid field: priority (expected 1-5 or min, low, default, high, urgent (max), got \"loud\")"})j"},
      {R"j({"user":"a","message":"m","priority":true})j",
       R"j({"error":"invalid field: priority (expected 1-5 or min, low, default, high, urgent (max), got true)"})j"},
      {R"j({"user":"a","message":"m","tags":"disk"})j",
       R"j({"error":"invalid field: tags (expected an array of strings, got \"disk\")"})j"},
      {R"j({"user":"a","message":"m","tags":[1]})j",
       R"j({"error":"invalid field: tags (expected an array of strings, got 1 in it)"})j"},
      {R"j({"user":"a","message":"m","tags":["a\nb"]})j",
       R"j({"error":"invalid field: tags (tag \"a?b\" contains a control character)"})j"},
      {R"j({"user":"a","message":"m","tags":["x,y"]})j",
       R"j({"error":"invalid field: tags (tag \"x,y\" contains a comma)"})j"},
      {R"j({"user":"a","message":"m","tags":["1","2","3","4","5","6","7","8","9","10","11"]})j",
       R"j({"error":"invalid field: tags (more than 10 tags)"})j"},
  };
  for (const auto& c : cases) {
    INFO(c.body);
    auto parsed = parse_notify_body(c.body, 1024);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().status == 400);
    CHECK(error_of(parsed.error()) == c.error);
  }
  auto send = parse_send_body(R"j({"user":"a","text":"t","tags":[""]})j");
  REQUIRE_FALSE(send.ok());
  CHECK(error_of(send.error()) == R"j({"error":"invalid field: tags (a tag is empty)"})j");
}
