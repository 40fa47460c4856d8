// Rendering: whatever users and other plugins wrote is shown as text, never
// run as markup; the pages carry what they must (CSRF token, navigation,
// image URLs, paging) and the JSON API stays valid JSON.

#include <catch2/catch.hpp>

#include "api_json.hpp"
#include "checks_page.hpp"
#include "desktop_page.hpp"
#include "embedded_assets.hpp"
#include "history_page.hpp"
#include "html_text.hpp"
#include "message_html.hpp"
#include "notifyd/sdk/json.hpp"
#include "page_layout.hpp"
#include "return_path.hpp"
#include "sign_in_pages.hpp"
#include "telegram_page.hpp"
#include "tokens_page.hpp"

using namespace notifyd;
using namespace notifyd::webui;

namespace {

const std::string evil = "<script>alert('x')</script>\"&";
const std::string escaped_evil = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;";

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

sdk::HistoryEntry entry(std::uint64_t id, std::string title, std::string message, std::string image = {}) {
  sdk::HistoryEntry e;
  e.notification.id = id;
  e.notification.user = "alice";
  e.notification.title = std::move(title);
  e.notification.message = std::move(message);
  e.notification.source = "<b>src</b>";
  e.notification.image_path = std::move(image);
  e.notification.created_at_ms = 1'790'000'000'123;
  e.deliveries.push_back({"bot", "failed", 3, "<i>blocked</i>", 1'790'000'000'500});
  e.deliveries.push_back({"console", "delivered", 1, "", 1'790'000'000'200});
  return e;
}

}  // namespace

TEST_CASE("html_escape: markup characters, invalid UTF-8 and control characters") {
  CHECK(html_escape(evil) == escaped_evil);
  CHECK(html_escape("line\nnext\ttab") == "line\nnext\ttab");
  CHECK(html_escape(std::string("a\x01\x7f" "b")) == "ab");
  CHECK(html_escape("\xff") == "\xEF\xBF\xBD");
  CHECK(html_escape("Grüße €") == "Grüße €");
  CHECK(url_encode("a b/ü") == "a%20b%2F%C3%BC");
}

TEST_CASE("history page: titles, messages, sources and errors are text; images link to their owner's URL") {
  HistoryView view;
  view.entries.push_back(entry(7, evil, "msg " + evil, "/data/images/7.png"));
  view.entries.push_back(entry(5, "", "plain"));
  const std::string html = render_history_page(view);
  CHECK_FALSE(contains(html, "<script>"));
  CHECK_FALSE(contains(html, "<b>src</b>"));
  CHECK_FALSE(contains(html, "<i>blocked</i>"));
  CHECK(contains(html, escaped_evil));
  CHECK(contains(html, "&lt;b&gt;src&lt;/b&gt;"));
  CHECK(contains(html, "src=\"/api/notifications/images/7\""));
  CHECK(contains(html, "alt=\"Image sent with " + escaped_evil + "\""));
  CHECK_FALSE(contains(html, "/data/images"));
  CHECK(contains(html, "Notification #5"));
  CHECK(contains(html, "bot: failed"));
  CHECK(contains(html, "3 attempts"));
  CHECK(contains(html, "console: delivered"));
  CHECK(contains(html, "datetime=\"2026-09-21T"));
  CHECK_FALSE(contains(html, "class=\"pager\""));
}

TEST_CASE("history page: paging links and empty pages") {
  HistoryView view;
  view.entries.push_back(entry(30, "t", "m"));
  view.next_before = 30;
  CHECK(contains(render_history_page(view), "href=\"/history?before=30\" rel=\"next\">Older"));
  view.before_id = 50;
  CHECK(contains(render_history_page(view), "href=\"/history\">Newest"));
  CHECK(contains(render_history_page(HistoryView{}), "No notifications yet"));
  HistoryView old;
  old.before_id = 3;
  CHECK(contains(render_history_page(old), "No older notifications"));
}

TEST_CASE("history page: priority and tags are shown, and the filters are kept by the form and the pager") {
  HistoryView view;
  auto urgent = entry(30, "Disk", "99%");
  urgent.notification.priority = sdk::Priority::urgent;
  urgent.notification.tags = {"disk full", "<prod>"};
  view.entries.push_back(urgent);
  view.entries.push_back(entry(29, "Report", "weekly"));
  view.next_before = 29;
  view.before_id = 31;
  view.min_priority = sdk::Priority::high;
  view.tag = "disk full";
  const std::string html = render_history_page(view);
  CHECK(contains(html, "<span class=\"badge bad\">priority urgent</span>"));
  CHECK(contains(html, "<a class=\"badge tag\" href=\"/history?tag=disk%20full\">disk full</a>"));
  CHECK(contains(html, "href=\"/history?tag=%3Cprod%3E\">&lt;prod&gt;</a>"));
  CHECK_FALSE(contains(html, "<prod>"));
  CHECK(contains(html, "<option value=\"high\" selected>high or higher</option>"));
  CHECK(contains(html, "name=\"tag\" value=\"disk full\""));
  CHECK(contains(html, "href=\"/history?before=29&amp;min_priority=high&amp;tag=disk%20full\" rel=\"next\">Older"));
  CHECK(contains(html, "href=\"/history?min_priority=high&amp;tag=disk%20full\">Newest"));
  CHECK(contains(html, "<a href=\"/history\">Show all</a>"));
  // The default priority needs no badge.
  CHECK(contains(html, "#29</p>"));

  HistoryView none;
  none.tag = "nothing";
  CHECK(contains(render_history_page(none), "No notifications match these filters"));
  CHECK(contains(render_history_page(HistoryView{}), "<option value=\"\" selected>any</option>"));
}

TEST_CASE("messages: Telegram's parse modes become formatted, safe HTML") {
  using sdk::TextFormat;
  CHECK(render_message_html("*Disk* at _95%_ on `db1`\n```\ndf -h\n```", TextFormat::markdown) ==
        "<strong>Disk</strong> at <em>95%</em> on <code>db1</code>\n<pre><code>df -h\n</code></pre>");
  CHECK(render_message_html("2\\*3 [report](https://example.com/r?a=1&b=2)", TextFormat::markdown) ==
        "2*3 <a href=\"https://example.com/r?a=1&amp;b=2\" rel=\"nofollow noopener noreferrer\">report</a>");
  CHECK(render_message_html("*b _i_* __u__ ~s~ ||p|| 1\\.5 [x](https://e\\.x/\\))", TextFormat::markdown_v2) ==
        "<strong>b <em>i</em></strong> <u>u</u> <s>s</s> <span class=\"spoiler\">p</span> 1.5 "
        "<a href=\"https://e.x/)\" rel=\"nofollow noopener noreferrer\">x</a>");
  CHECK(render_message_html("<b>5 &lt; 6</b> &amp; <a href=\"tg://user?id=1\">me</a> <tg-spoiler>s</tg-spoiler>",
                            TextFormat::html) ==
        "<strong>5 &lt; 6</strong> &amp; <a href=\"tg://user?id=1\" rel=\"nofollow noopener noreferrer\">me</a> "
        "<span class=\"spoiler\">s</span>");
  CHECK(render_message_html("*plain*", TextFormat::plain) == "*plain*");

  // Hostile markup stays text; links go only to http, https and tg.
  const std::string hostile = render_message_html(
      "*<script>alert(1)</script>* [x](javascript:alert(1)) [y](data:text/html,hi) <img src=x onerror=alert(1)>",
      TextFormat::markdown);
  CHECK(hostile ==
        "<strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong> x) y &lt;img src=x onerror=alert(1)&gt;");
  CHECK(render_message_html("<a href=\"javascript:alert(1)\">x</a> <a href='https://e.x/\"onmouseover=1'>y</a>",
                            TextFormat::html) ==
        "x <a href=\"https://e.x/&quot;onmouseover=1\" rel=\"nofollow noopener noreferrer\">y</a>");
  CHECK(render_message_html("<b>x</b><script>", TextFormat::html) == "&lt;b&gt;x&lt;/b&gt;&lt;script&gt;");
  CHECK(render_message_html("&#60;script&#x3e; &#0; &bogus;", TextFormat::html) ==
        "&lt;script&gt; \xEF\xBF\xBD &amp;bogus;");
  // What Telegram cannot parse is shown as the plain text the channel then sends.
  CHECK(render_message_html("2*3 = 6 <b>", TextFormat::markdown) == "2*3 = 6 &lt;b&gt;");
}

TEST_CASE("history page: messages formatted, long sources wrap at their slashes, a hint when empty") {
  HistoryView view;
  auto e = entry(9, "Disk", "*95%* used");
  e.notification.source = "/home/alice/.notifications/scripts/disk_usage.py";
  view.entries.push_back(e);
  const std::string html = render_history_page(view);
  CHECK(contains(html, "<div class=\"message\"><strong>95%</strong> used</div>"));
  CHECK(contains(html, "<code class=\"path\">/<wbr>home/<wbr>alice/<wbr>.notifications/<wbr>scripts/<wbr>disk_usage.py</code>"));
  const std::string empty = render_history_page(HistoryView{});
  CHECK(contains(empty, "notifyctl send"));
  CHECK(contains(empty, "href=\"/checks\""));
}

TEST_CASE("checks page: names, schedules, details and stderr are text; Run now names the check") {
  CheckView view;
  view.status.definition.name = "rev<img src=x onerror=alert(1)>";
  view.status.definition.schedule = "*/5 * * * *";
  view.status.definition.origin = "/home/alice/user/notifications/rev.py";
  sdk::RunRecord run;
  run.check = view.status.definition.name;
  run.outcome = "failed";
  run.trigger = "manual";
  run.exit_code = 1;
  run.duration_ms = 1234;
  run.detail = "exit status 1 <b>";
  run.stderr_tail = "Traceback <script>x</script>";
  run.started_at_ms = 1'790'000'000'000;
  view.status.last_run = run;
  view.status.next_run_ms = 1'790'000'300'000;
  view.runs = {run};
  const std::string html = render_checks_page({view});
  CHECK_FALSE(contains(html, "<img"));
  CHECK_FALSE(contains(html, "<script>"));
  CHECK_FALSE(contains(html, "<b>"));
  CHECK(contains(html, "data-check=\"rev&lt;img src=x onerror=alert(1)&gt;\""));
  CHECK(contains(html, "Traceback &lt;script&gt;x&lt;/script&gt;"));
  CHECK(contains(html, "<code>*/5 * * * *</code>"));
  CHECK(contains(html, "exit 1"));
  CHECK(contains(html, "1.2 s"));
  CHECK(contains(html, "badge bad"));
  CHECK(contains(html, "Recent runs (1)"));
  CHECK(contains(html, "Last sent</dt><dd>never"));
  CHECK(contains(render_checks_page({}), "no checks yet"));
  CHECK(outcome_tone("notified") == "ok");
  CHECK(outcome_tone("timeout") == "bad");
  CHECK(outcome_tone("cooldown").empty());
}

TEST_CASE("checks page: another host group's check shows its group, and when none of its replicas runs") {
  CheckView here;
  here.status.definition.name = "disk";
  here.status.host_group = "web";
  here.status.next_run_ms = 1'790'000'300'000;
  CheckView report;
  report.status.definition.name = "report";
  report.status.host_group = "analytics<1>";
  report.status.elsewhere = true;
  CheckView backup;
  backup.status.definition.name = "backup";
  backup.status.host_group = "storage";
  backup.status.elsewhere = true;
  backup.status.group_running = false;
  const std::string html = render_checks_page({here, report, backup});
  CHECK(contains(html, "Host group</dt><dd>web</dd>"));
  CHECK(contains(html, "Host group</dt><dd>analytics&lt;1&gt;</dd>"));
  CHECK(contains(html, "Host group</dt><dd>storage <span class=\"badge bad\">no replica running</span></dd>"));
  // The other groups' schedulers know their next runs; this replica's own checks show theirs.
  const auto next_runs = [&] {
    std::size_t count = 0;
    for (auto at = html.find("Next run"); at != std::string::npos; at = html.find("Next run", at + 1)) ++count;
    return count;
  };
  CHECK(next_runs() == 1);
  CHECK(contains(html, "data-check=\"report\""));
  CHECK(contains(html, "data-check=\"backup\""));
}

TEST_CASE("telegram card: states from the plugin's status answer") {
  auto linked = telegram_card_from_status(200, R"({"linked":true,"linked_at":"2026-01-02T03:04:05Z","active":true})");
  CHECK(linked.state == TelegramCard::State::linked);
  CHECK(linked.linked_at == "2026-01-02T03:04:05Z");
  const auto linked_html = render_telegram_page(linked);
  CHECK(contains(linked_html, "Linked</span> since <time datetime=\"2026-01-02T03:04:05Z\">"));
  CHECK(contains(linked_html, "data-action=\"telegram-unlink\""));
  CHECK_FALSE(contains(linked_html, "telegram-verify"));

  auto blocked = telegram_card_from_status(200, R"({"linked":true,"linked_at":null,"active":false})");
  CHECK_FALSE(blocked.active);
  CHECK(contains(render_telegram_page(blocked), "Blocked"));

  auto unlinked = telegram_card_from_status(200, R"({"linked":false,"linked_at":null,"active":false})");
  CHECK(unlinked.state == TelegramCard::State::not_linked);
  const auto form = render_telegram_page(unlinked);
  CHECK(contains(form, "message <strong>/start</strong> to the bot"));
  CHECK(contains(form, "autocomplete=\"one-time-code\""));
  CHECK(contains(form, "<label for=\"telegram-code\">"));

  auto broken = telegram_card_from_status(500, R"({"error":"<b>db</b>"})");
  CHECK(broken.state == TelegramCard::State::unavailable);
  CHECK(contains(render_telegram_page(broken), "&lt;b&gt;db&lt;/b&gt;"));
  CHECK(telegram_card_from_status(200, "not json").state == TelegramCard::State::unavailable);
  auto hostile = telegram_card_from_status(200, R"({"linked":true,"linked_at":"\"><script>x</script>"})");
  CHECK_FALSE(contains(render_telegram_page(hostile), "<script>"));

  CHECK(contains(render_telegram_page(TelegramCard{}), "Telegram is not configured"));
}

TEST_CASE("telegram card: Telegram off, the bot's name and the linked time") {
  TelegramCard off;
  off.state = TelegramCard::State::off;
  const std::string off_html = render_telegram_page(off);
  CHECK(contains(off_html, "Telegram is not set up on this server"));
  CHECK_FALSE(contains(off_html, "/start"));
  CHECK_FALSE(contains(off_html, "telegram-verify"));

  auto unlinked = telegram_card_from_status(200, R"({"linked":false,"linked_at":null,"active":false})");
  unlinked.bot_username = "notifyd_bot";
  unlinked.bot_url = "https://t.me/notifyd_bot";
  CHECK(contains(render_telegram_page(unlinked),
                 "message <strong>/start</strong> to <a href=\"https://t.me/notifyd_bot\" rel=\"noopener noreferrer\">"
                 "@notifyd_bot</a>"));
  auto linked = telegram_card_from_status(200, R"({"linked":true,"linked_at":"2026-01-02T03:04:05Z","active":true})");
  linked.bot_username = "<b>x</b>";
  linked.bot_url = "https://t.me/%3Cb%3E";
  const std::string linked_html = render_telegram_page(linked);
  CHECK(contains(linked_html, "2026-01-02 03:04 UTC</time>"));
  CHECK(contains(linked_html, "@&lt;b&gt;x&lt;/b&gt;</a>"));
}

TEST_CASE("layout: CSRF token in a meta tag and the sign-out form, user escaped, current section marked") {
  PageFrame frame;
  frame.title = "History";
  frame.section = Section::history;
  frame.user = "al<i>ce";
  frame.csrf_token = "tok\"en";
  frame.version = "1.2.3";
  const std::string html = render_page(frame, "<p>body</p>");
  CHECK(html.starts_with("<!doctype html>"));
  CHECK(contains(html, "<meta name=\"csrf-token\" content=\"tok&quot;en\">"));
  CHECK(contains(html, "name=\"csrf_token\" value=\"tok&quot;en\""));
  CHECK(contains(html, "al&lt;i&gt;ce"));
  CHECK(contains(html, "<a href=\"/history\" aria-current=\"page\">History</a>"));
  CHECK(contains(html, "<a href=\"/checks\">Checks</a>"));
  CHECK(contains(html, "<p>body</p>"));
  CHECK(contains(html, "<script src=\"/assets/app.js?v="));
  CHECK_FALSE(contains(html, "<script>"));
  CHECK(contains(html, "name=\"viewport\""));

  frame.auth = AuthMode::none;
  CHECK_FALSE(contains(render_page(frame, ""), "Sign out"));
  PageFrame anonymous;
  anonymous.title = "Sign in";
  const std::string login = render_page(anonymous, "");
  CHECK_FALSE(contains(login, "csrf-token"));
  CHECK_FALSE(contains(login, "class=\"sections\""));
}

TEST_CASE("sign-in pages") {
  CHECK(contains(render_login_page(AuthMode::link, false, std::chrono::minutes(2)), "notifyctl login"));
  CHECK(contains(render_login_page(AuthMode::link, false, std::chrono::minutes(2)), "valid for 2 minutes"));
  CHECK(contains(render_login_page(AuthMode::link, true, std::chrono::minutes(2)), "You are signed out"));
  CHECK(contains(render_login_page(AuthMode::proxy, false, std::chrono::minutes(2)), "single sign-on"));
  const auto confirm = render_link_confirmation("b<o>b", "TOKEN\"x");
  CHECK(contains(confirm, "Continue as b&lt;o&gt;b"));
  CHECK(contains(confirm, "value=\"TOKEN&quot;x\""));
  CHECK(contains(confirm, "method=\"post\" action=\"/login/link\""));
  CHECK(contains(render_link_invalid(), "already used"));
  CHECK(contains(render_error_page(404, "<x>"), "404 &lt;x&gt;"));
  CHECK(contains(render_desktop_page(false), "no <code>websocket</code> plugin"));
  CHECK(contains(render_desktop_page(true), "data-action=\"desktop-token\""));
  CHECK(contains(render_desktop_page(true), "Ask the operator of this server for it"));
  const std::string off = render_desktop_page(true, false);
  CHECK(contains(off, "desktop push is not set up on this server"));
  CHECK_FALSE(contains(off, "data-action=\"desktop-token\""));
}

TEST_CASE("tokens page: names as text, the new token once, each token with a revoke form") {
  TokensView view;
  view.csrf_token = "csrf-1";
  view.notify_url = "https://notify.example.com/v1/notify";
  CHECK(contains(render_tokens_page(view), "You have no API tokens."));
  CHECK(contains(render_tokens_page(view), "name=\"csrf_token\" value=\"csrf-1\""));

  view.tokens.push_back({"0123456789ab", evil, "alice", 1'790'000'000'000, 0, false});
  view.tokens.push_back({"ba9876543210", "", "alice", 1'790'000'000'000, 1'790'000'060'000, true});
  std::string html = render_tokens_page(view);
  CHECK(contains(html, escaped_evil));
  CHECK_FALSE(contains(html, evil));
  CHECK(contains(html, "value=\"0123456789ab\"><button type=\"submit\" class=\"secondary\">Revoke"));
  CHECK(contains(html, "<span class=\"badge bad\">expired</span>"));
  CHECK(contains(html, "never"));
  CHECK_FALSE(contains(html, "New token"));

  view.issued = IssuedToken{"nd_0123456789abSECRET", view.tokens.front()};
  view.problem = evil;
  html = render_tokens_page(view);
  CHECK(contains(html, "it is shown only this once"));
  CHECK(contains(html, R"(curl -H "Authorization: Bearer nd_0123456789abSECRET" -d "backup failed" )"
                       "https://notify.example.com/v1/notify"));
  CHECK(contains(html, "<p class=\"error\" role=\"alert\">" + escaped_evil));
}

TEST_CASE("return paths: only pages of this dashboard") {
  CHECK(safe_return_path("/history?before=30") == "/history?before=30");
  CHECK(safe_return_path("/checks") == "/checks");
  for (const char* bad : {"", "history", "//evil.example/", "/\\evil.example", "https://evil.example/",
                          "/a\\b", "/a\nb", "/login", "/login/link?token=x", "javascript:alert(1)"}) {
    INFO(bad);
    CHECK_FALSE(safe_return_path(bad));
  }
  CHECK_FALSE(safe_return_path("/" + std::string(3000, 'a')));
}

TEST_CASE("JSON API: valid JSON with image URLs and paging") {
  std::vector<sdk::HistoryEntry> entries = {entry(9, evil, std::string("bad \xff utf8"), "/img/9.png"),
                                            entry(8, "t", "m")};
  const std::string json = render_notifications_json(entries, 2);
  rapidjson::Document document;
  REQUIRE(sdk::parse_json(json, document));
  REQUIRE(document["notifications"].Size() == 2);
  CHECK(std::string(document["notifications"][0]["title"].GetString()) == evil);
  CHECK(std::string(document["notifications"][0]["image_url"].GetString()) == "/api/notifications/images/9");
  CHECK(document["notifications"][1]["image_url"].IsNull());
  CHECK(document["notifications"][0]["deliveries"][0]["state"] == "failed");
  CHECK(document["next_before"].GetUint64() == 8);
  CHECK(render_notifications_json(entries, 3).find("\"next_before\":null") != std::string::npos);

  MeFacts me;
  me.user = "alice";
  me.auth = "link";
  me.csrf_token = "t";
  me.telegram_configured = true;
  rapidjson::Document me_doc;
  REQUIRE(sdk::parse_json(render_me_json(me), me_doc));
  CHECK(me_doc["user"] == "alice");
  CHECK(me_doc["csrf_token"] == "t");
  CHECK(me_doc["telegram_configured"].GetBool());
  CHECK(me_doc["session_expires_at"].IsNull());
}

TEST_CASE("assets are embedded with versions") {
  for (const char* name : {"app.css", "app.js", "favicon.svg"}) {
    INFO(name);
    const auto* asset = find_asset(name);
    REQUIRE(asset);
    CHECK_FALSE(asset->bytes.empty());
    CHECK(asset_url(name) == "/assets/" + std::string(name) + "?v=" + std::string(asset_version(*asset)));
  }
  CHECK(find_asset("app.js")->content_type == "text/javascript; charset=utf-8");
  CHECK(find_asset("../etc/passwd") == nullptr);
}
