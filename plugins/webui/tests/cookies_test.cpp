// The session cookie's attributes and the Cookie header parser.

#include <catch2/catch.hpp>

#include "cookies.hpp"

using namespace notifyd::webui;
using namespace std::chrono_literals;

TEST_CASE("cookie: HttpOnly, SameSite=Strict, Path=/, Max-Age; Secure and __Host- only under TLS") {
  const auto plain = session_cookie("abc", false, 12h);
  CHECK(plain == "notifyd_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200");
  const auto secure = session_cookie("abc", true, 12h);
  CHECK(secure == "__Host-notifyd_session=abc; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=43200");
  CHECK(secure.find("Domain") == std::string::npos);
  CHECK(cleared_session_cookie(false) == "notifyd_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  CHECK(cleared_session_cookie(true).find("; Secure") != std::string::npos);
}

TEST_CASE("cookie header: finds the named cookie among others") {
  CHECK(cookie_value("a=1; notifyd_session=xyz; b=2", "notifyd_session") == std::optional<std::string_view>("xyz"));
  CHECK(cookie_value("notifyd_session=first; notifyd_session=second", "notifyd_session") ==
        std::optional<std::string_view>("first"));
  CHECK(cookie_value("  notifyd_session = \"quoted\" ", "notifyd_session") == std::optional<std::string_view>("quoted"));
  CHECK_FALSE(cookie_value("xnotifyd_session=1", "notifyd_session"));
  CHECK_FALSE(cookie_value("notifyd_session", "notifyd_session"));
  CHECK_FALSE(cookie_value("", "notifyd_session"));
  CHECK(cookie_value("notifyd_session=", "notifyd_session") == std::optional<std::string_view>(""));
  std::string many;
  for (int i = 0; i < 100; ++i) many += "c" + std::to_string(i) + "=v; ";
  CHECK_FALSE(cookie_value(many + "notifyd_session=late", "notifyd_session"));
}
