#include <catch2/catch.hpp>

#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/image.hpp"
#include "notifyd/sdk/notification.hpp"

using namespace notifyd::sdk;

TEST_CASE("json_quote escapes and repairs invalid UTF-8") {
  CHECK(json_quote("a\"b\\c\n") == "\"a\\\"b\\\\c\\n\"");
  CHECK(json_quote("caf\xc3\xa9") == "\"caf\xc3\xa9\"");
  CHECK(json_quote("bad\xff") == "\"bad\xef\xbf\xbd\"");
  CHECK(HttpResponse::error(404, "user alice has no linked channel").body ==
        "{\"error\":\"user alice has no linked channel\"}");
}

TEST_CASE("images are recognised by their bytes") {
  CHECK(sniff_image_type(std::string("\x89PNG\r\n\x1a\n....", 12)) == ImageType::png);
  CHECK(sniff_image_type("\xff\xd8\xff\xe0") == ImageType::jpeg);
  CHECK(sniff_image_type("GIF89a...") == ImageType::gif);
  CHECK(sniff_image_type(std::string("RIFF\x10\x00\x00\x00WEBPVP8 ", 16)) == ImageType::webp);
  CHECK_FALSE(sniff_image_type("%PDF-1.7").has_value());
  CHECK_FALSE(sniff_image_type("").has_value());
}

TEST_CASE("parse modes follow the seed") {
  CHECK(parse_text_format("") == TextFormat::markdown);
  CHECK(parse_text_format("Markdown") == TextFormat::markdown);
  CHECK(parse_text_format("MarkdownV2") == TextFormat::markdown_v2);
  CHECK(parse_text_format("HTML") == TextFormat::html);
  CHECK_FALSE(parse_text_format("rtf").has_value());
}
