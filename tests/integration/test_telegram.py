"""The Telegram plugin against a fake Bot API on 127.0.0.1, inside the real
daemon: linking, commands, delivery (text, photos, splitting, the Markdown
fallback), Telegram's errors, mute, restarts and two bots side by side."""

import base64
import datetime
import json
import os
import pathlib
import re
import signal
import struct
import subprocess
import sys
import time
import unittest
import zlib

from harness import NOTIFYCTL, NOTIFYD, DaemonTestCase

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "fixtures"))
from fake_bot_api import FakeBotApi  # noqa: E402

TOKEN = "123456:TEST-secret-token"
OTHER_TOKEN = "654321:OTHER-secret-token"
ALICE_CHAT = 111


def png_image(width=16, height=12):
    """A real PNG (RGB gradient), written with zlib and struct."""
    rows = b"".join(b"\x00" + b"".join(bytes([x * 15 % 256, y * 20 % 256, 128]) for x in range(width))
                    for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


class TelegramTestCase(DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.api = FakeBotApi(tokens=[TOKEN, OTHER_TOKEN]).start()

    def tearDown(self):
        try:
            for daemon in self.daemons:
                log = daemon.log()
                self.assertNotIn(TOKEN, log, "the bot token reached the log")
                self.assertNotIn(OTHER_TOKEN, log, "the bot token reached the log")
                self.assertNotIn("AddressSanitizer", log)
                self.assertNotIn("not sent: not sent", log)
        finally:
            self.api.stop()
            super().tearDown()

    def telegram_daemon(self, extra="", links=None, pipeline_toml="", fixtures=False, **kwargs):
        plugin = (f'[[plugin]]\nuse = "telegram"\nname = "bot"\ntoken_env = "TELEGRAM_BOT_TOKEN"\n'
                  f'api_base_url = "{self.api.base_url}"\nmute_recheck = "300ms"\n{extra}\n')
        daemon = self.daemon(plugin + kwargs.pop("more_plugins", ""), pipeline_toml=pipeline_toml,
                             env={"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_OTHER_TOKEN": OTHER_TOKEN}, **kwargs)
        if fixtures:
            self.use_fixture_plugins(daemon)
        if links:
            daemon.write_document("telegram_users.json", json.dumps(links))
        return daemon

    def linked_daemon(self, **kwargs):
        links = {"alice": {"chat_id": ALICE_CHAT, "linked_at": "2024-05-01T12:00:00.123456"}}
        daemon = self.telegram_daemon(links=links, **kwargs).start()
        self.wait_polling()
        return daemon

    def wait_polling(self, token=TOKEN):
        self.api.wait_for(lambda: any(c["token"] == token for c in self.api.calls("getMe")))

    def replies(self, chat, containing=""):
        return [t for t in self.api.texts(chat) if containing in t]

    def wait_reply(self, chat, containing, count=1, timeout=20):
        return self.api.wait_for(lambda: len(self.replies(chat, containing)) >= count and self.replies(chat, containing),
                                 timeout)[-1]

    def notify(self, daemon, **fields):
        status, body = daemon.request("POST", "/v1/notify", dict({"user": "alice"}, **fields))
        self.assertEqual(status, 200, body)
        return body["id"]

    def history_entry(self, daemon, notification_id, user="alice"):
        status, history = daemon.request("GET", f"/v1/history?user={user}")
        self.assertEqual(status, 200, history)
        return next(n for n in history["notifications"] if n["id"] == notification_id)

    def delivery_state(self, daemon, notification_id):
        deliveries = self.history_entry(daemon, notification_id)["deliveries"]
        return next((d["state"] for d in deliveries if d["channel"] == "bot"), None)

    def wait_delivered(self, daemon, notification_id, state="delivered"):
        self.wait_for(lambda: self.delivery_state(daemon, notification_id) == state, message=f"state {state}")


class WithoutTokenTest(TelegramTestCase):
    def test_without_a_token_telegram_is_off_and_the_daemon_runs(self):
        daemon = self.telegram_daemon()
        daemon.env = {"TELEGRAM_BOT_TOKEN": ""}
        daemon.start()
        log = daemon.log()
        self.assertEqual(log.count("no bot token"), 1, log)
        self.assertIn("Telegram is off", log)
        self.assertEqual(daemon.request("GET", "/health"), (200, {"status": "ok"}))
        bot = daemon.request("GET", "/v1/health")[1]["channels"][0]
        self.assertEqual((bot["state"], bot["last_error"]), ("off", "Telegram is off (no bot token)"))
        status, _ = daemon.request("POST", "/send", {"user": "alice", "text": "hi"})
        self.assertEqual(status, 404)
        self.assertEqual(daemon.request("GET", "/api/telegram/status"),
                         (200, {"linked": False, "linked_at": None, "active": False}))
        status, body = daemon.request("POST", "/api/telegram/verify", {"code": "123456"})
        self.assertEqual(status, 503, body)
        self.assertEqual(daemon.request("GET", "/api/telegram/bot"),
                         (200, {"configured": False, "username": None, "url": None}))
        self.assertEqual(self.api.calls(), [])
        self.assertEqual(daemon.stop(), 0)


class BotNameTest(TelegramTestCase):
    def test_the_bot_route_names_the_bot_getme_answered_for(self):
        daemon = self.telegram_daemon().start()
        self.wait_polling()
        bot = self.wait_for(lambda: (lambda answer: answer[1]["username"] and answer)(
            daemon.request("GET", "/api/telegram/bot")), message="the bot's username")
        self.assertEqual(bot, (200, {"configured": True, "username": self.api.username,
                                     "url": f"https://t.me/{self.api.username}"}))


    def test_notifyctl_status_says_telegram_is_off_instead_of_pointing_to_start(self):
        daemon = self.telegram_daemon()
        daemon.env = {"TELEGRAM_BOT_TOKEN": ""}
        daemon.start()
        status = subprocess.run([NOTIFYCTL, "--socket", daemon.socket_path, "status"], capture_output=True, text=True,
                                timeout=30)
        self.assertEqual(status.returncode, 0, status.stderr)
        self.assertIn("Telegram is off on this server", status.stdout)
        self.assertNotIn("/start", status.stdout)
        self.assertEqual(daemon.request("GET", "/api/telegram/bot"), (200, {"configured": False, "username": None, "url": None}))
        self.assertEqual(daemon.stop(), 0)


class DoctorTest(TelegramTestCase):
    """notifyctl doctor against a running daemon whose bot has its token in the daemon's environment only."""

    def doctor(self, daemon, *args):
        env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "NOTIFYD_SOCKET")}
        return subprocess.run([NOTIFYCTL, "--socket", daemon.socket_path, "doctor", *args], capture_output=True,
                              text=True, env=env, timeout=120)

    def assert_healthy(self, doctor):
        self.assertEqual(doctor.returncode, 0, doctor.stdout + doctor.stderr)
        lines = doctor.stdout.splitlines()
        self.assertFalse([line for line in lines if line.startswith("fail")], doctor.stdout)
        bot = [line for line in lines if re.match(r"\w+ +telegram:bot ", line)]
        self.assertEqual(len(bot), 1, doctor.stdout)
        self.assertRegex(bot[0], r"^ok +telegram:bot .*state ok")
        for subject in ("config", "check-config", "socket", "data dir", "daemon"):
            self.assertTrue(any(re.match(rf"ok +{subject} ", line) for line in lines), doctor.stdout)

    def test_doctor_passes_on_a_working_setup_with_and_without_config(self):
        daemon = self.telegram_daemon().start()
        self.wait_polling()
        self.wait_for(lambda: daemon.request("GET", "/v1/health")[1]["channels"][0]["state"] == "ok",
                      message="the bot says ok")
        named = self.doctor(daemon, "--config", str(daemon.config_path))
        self.assert_healthy(named)
        self.assertIn(f"{daemon.config_path} is readable", named.stdout)
        # Without --config (and no /etc/notifyd/notifyd.toml), the daemon's own -c file is checked.
        found = self.doctor(daemon)
        self.assert_healthy(found)
        self.assertIn(f"{daemon.config_path} is readable (the running daemon's config)", found.stdout)
        self.assertRegex(found.stdout, rf"(?m)^ok +data dir +{re.escape(str(daemon.data_dir))} ")
        self.assertEqual(daemon.stop(), 0)

    def test_doctor_says_a_missing_secret_belongs_in_the_env_file(self):
        daemon = self.telegram_daemon(more_plugins='[[plugin]]\nuse = "websocket"\nname = "desktop"\n'
                                                   'listen = "127.0.0.1:0"\njwt_secret_env = "NOTIFYD_JWT_SECRET"\n')
        daemon.env["NOTIFYD_JWT_SECRET"] = ""
        daemon.start()
        (daemon.workdir / "notifyd.env").write_text("TELEGRAM_BOT_TOKEN=x\n")
        doctor = self.doctor(daemon, "--config", str(daemon.config_path))
        desktop = next(line for line in doctor.stdout.splitlines() if "channel:desktop" in line)
        self.assertIn(f"NOTIFYD_JWT_SECRET is not set in {daemon.workdir / 'notifyd.env'}", desktop)
        self.assertIn(f"fix: add NOTIFYD_JWT_SECRET=<jwt_secret> to {daemon.workdir / 'notifyd.env'}", desktop)
        self.assertNotIn("[[plugin]] section", desktop)
        self.assertEqual(daemon.stop(), 0)


class LinkFlowTest(TelegramTestCase):
    def start_code(self, chat):
        self.api.push_message(chat, "/start")
        reply = self.wait_reply(chat, "verification code")
        return re.search(r"verification code: <code>(\d{6})</code>", reply).group(1)

    def test_start_code_verify_whoami(self):
        daemon = self.telegram_daemon().start()
        code = self.start_code(ALICE_CHAT)
        pending = json.loads(daemon.read_document("pending_codes.json"))
        self.assertEqual(pending[code]["chat_id"], ALICE_CHAT)
        self.assertIsInstance(pending[code]["created_at"], int)

        wrong = "000000" if code != "000000" else "111111"
        self.assertEqual(daemon.request("POST", "/api/telegram/verify", {"code": wrong, "user": "alice"}),
                         (400, {"error": "invalid or expired code"}))
        status, body = daemon.request("POST", "/api/telegram/verify", {"user": "alice"})
        self.assertEqual(status, 422, body)
        status, body = daemon.request("POST", "/api/telegram/verify", "{not json")
        self.assertEqual(status, 400, body)

        status, body = daemon.request("POST", "/api/telegram/verify", {"code": code, "user": "alice"})
        self.assertEqual(status, 200, body)
        self.assertTrue(body["linked"])
        self.assertRegex(body["linked_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.wait_reply(ALICE_CHAT, "now linked to alice")

        users = json.loads(daemon.read_document("telegram_users.json"))
        self.assertEqual(users, {"alice": {"chat_id": ALICE_CHAT, "linked_at": body["linked_at"]}})
        self.assertNotIn(code, json.loads(daemon.read_document("pending_codes.json")))
        self.assertEqual(daemon.request("GET", "/api/telegram/status?user=alice"),
                         (200, {"linked": True, "linked_at": body["linked_at"], "active": True}))
        self.assertEqual(daemon.request("POST", "/api/telegram/verify", {"code": code, "user": "alice"})[0], 400)

        self.api.push_message(ALICE_CHAT, "/whoami")
        self.assertIn("linked to alice", self.wait_reply(ALICE_CHAT, "This chat is linked"))
        self.api.push_message(ALICE_CHAT, "/start")
        self.wait_reply(ALICE_CHAT, "already linked as alice")

        notification = self.notify(daemon, title="Linked", message="first alert")
        self.wait_delivered(daemon, notification)
        self.assertIn("*Linked*\nfirst alert", self.api.texts(ALICE_CHAT))
        self.assertEqual(daemon.stop(), 0)

    def test_a_new_start_replaces_the_earlier_code(self):
        daemon = self.telegram_daemon().start()
        first = self.start_code(222)
        self.api.push_message(222, "/start")
        second = re.search(r"code: <code>(\d{6})</code>", self.wait_reply(222, "verification code", count=2)).group(1)
        pending = json.loads(daemon.read_document("pending_codes.json"))
        self.assertEqual([c for c, v in pending.items() if v["chat_id"] == 222], [second])
        if first != second:
            self.assertEqual(daemon.request("POST", "/api/telegram/verify", {"code": first})[0], 400)
        self.assertEqual(daemon.request("POST", "/api/telegram/verify", {"code": second})[0], 200)

    def test_failed_verifications_are_limited_to_five(self):
        daemon = self.telegram_daemon().start()
        for _ in range(5):
            self.assertEqual(daemon.request("POST", "/api/telegram/verify", {"code": "999999", "user": "bob"})[0], 400)
        status, body = daemon.request("POST", "/api/telegram/verify", {"code": "999999", "user": "bob"})
        self.assertEqual(status, 429, body)
        self.assertIn("error", body)
        self.assertEqual(daemon.request("POST", "/api/telegram/verify", {"code": "999999", "user": "carol"})[0], 400)

    def test_unlink_always_answers_unlinked(self):
        daemon = self.linked_daemon()
        self.assertEqual(daemon.request("POST", "/api/telegram/unlink", {"user": "alice"}),
                         (200, {"status": "unlinked"}))
        self.wait_reply(ALICE_CHAT, "no longer linked to alice")
        self.assertEqual(json.loads(daemon.read_document("telegram_users.json")), {})
        self.assertEqual(daemon.request("POST", "/api/telegram/unlink", {"user": "alice"}),
                         (200, {"status": "unlinked"}))
        status, _ = daemon.request("POST", "/send", {"user": "alice", "text": "hi"})
        self.assertEqual(status, 404)

    def test_notifyctl_link_status_unlink(self):
        daemon = self.telegram_daemon().start()
        code = self.start_code(333)
        env = dict(os.environ, NOTIFYD_SOCKET=daemon.socket_path)

        def notifyctl(*args):
            return subprocess.run([NOTIFYCTL, *args], capture_output=True, text=True, env=env, timeout=30)

        bad = notifyctl("link", "000000" if code != "000000" else "111111")
        self.assertEqual(bad.returncode, 1, bad.stderr)
        self.assertIn("invalid or expired code", bad.stderr)
        linked = notifyctl("link", code)
        self.assertEqual(linked.returncode, 0, linked.stderr)
        self.assertIn("linked", linked.stdout)
        status = notifyctl("status")
        self.assertEqual(status.returncode, 0, status.stderr)
        self.assertIn("linked", status.stdout)
        self.assertNotIn("not linked", status.stdout)
        unlinked = notifyctl("unlink")
        self.assertEqual(unlinked.returncode, 0, unlinked.stderr)
        self.assertIn("not linked", notifyctl("status").stdout)
        usage = notifyctl("link")
        self.assertEqual(usage.returncode, 64, usage.stderr)

    def test_chatter_gets_a_pointer(self):
        daemon = self.linked_daemon()
        self.api.push_message(444, "hello there")
        self.wait_reply(444, "Use /start to link your account.")
        self.api.push_message(ALICE_CHAT, "hello there")
        self.wait_reply(ALICE_CHAT, "/help")
        self.api.push_message(ALICE_CHAT, "/help")
        self.wait_reply(ALICE_CHAT, "/mute <duration>")
        self.assertEqual(daemon.stop(), 0)


class DeliveryTest(TelegramTestCase):
    def test_text_goes_with_the_title_in_bold(self):
        daemon = self.linked_daemon()
        notification = self.notify(daemon, title="Revenue dropped 25%", message="Today: $45k | 7d avg: $60k")
        self.wait_delivered(daemon, notification)
        [sent] = self.api.sent(ALICE_CHAT)
        self.assertEqual(sent["text"], "*Revenue dropped 25%*\nToday: $45k | 7d avg: $60k")
        self.assertEqual(sent["parse_mode"], "Markdown")

        html = self.notify(daemon, title="a < b", message="<i>fine</i>", format="html")
        self.wait_delivered(daemon, html)
        self.assertEqual(self.api.sent(ALICE_CHAT)[-1]["text"], "<b>a &lt; b</b>\n<i>fine</i>")
        self.assertEqual(self.api.sent(ALICE_CHAT)[-1]["parse_mode"], "HTML")

    def test_a_real_png_goes_as_a_photo_with_its_caption(self):
        daemon = self.linked_daemon()
        image = png_image()
        notification = self.notify(daemon, title="Daily", message="chart attached",
                                   image=base64.b64encode(image).decode())
        self.wait_delivered(daemon, notification)
        [photo] = self.api.sent(ALICE_CHAT)
        self.assertEqual(photo["method"], "sendPhoto")
        self.assertEqual(photo["caption"], "*Daily*\nchart attached")
        self.assertEqual(photo["photo_content_type"], "image/png")
        self.assertEqual(self.api.photo(photo["photo_index"]), image)

        long = self.notify(daemon, title="Weekly", message="x" * 1500, image=base64.b64encode(image).decode())
        self.wait_delivered(daemon, long)
        photo, text = self.api.sent(ALICE_CHAT)[1:]
        self.assertEqual((photo["method"], photo["caption"]), ("sendPhoto", "*Weekly*"))
        self.assertEqual((text["method"], text["text"]), ("sendMessage", "x" * 1500))

    def test_long_text_is_split_at_lines_and_nothing_is_lost(self):
        daemon = self.linked_daemon()
        lines = [f"{i:04d} " + "measurement " * 5 for i in range(400)]
        message = "\n".join(lines)
        notification = self.notify(daemon, title="Report", message=message, format="plain")
        self.wait_delivered(daemon, notification)
        parts = [c["text"] for c in self.api.sent(ALICE_CHAT)]
        self.assertGreater(len(parts), 4)
        for part in parts:
            self.assertLessEqual(len(part.encode("utf-16-le")) // 2, 4096)
        self.assertEqual("\n".join(parts), "Report\n" + message)

    def test_markdown_that_telegram_cannot_parse_is_resent_as_plain_text(self):
        daemon = self.linked_daemon()
        notification = self.notify(daemon, title="Math", message="2*3 = 6")
        self.wait_delivered(daemon, notification)
        refused, resent = self.api.calls("sendMessage")
        self.assertEqual(refused["status"], 400)
        self.assertIn("can't parse entities", refused["reply"]["description"])
        self.assertEqual(resent["status"], 200)
        self.assertNotIn("parse_mode", resent)
        self.assertEqual(resent["text"], "Math\n2*3 = 6")
        self.assertEqual(resent["entities"], [{"type": "bold", "offset": 0, "length": 4}])

    def test_429_waits_for_retry_after(self):
        daemon = self.linked_daemon()
        self.api.fail("sendMessage", 429, retry_after=2)
        started = time.time()
        notification = self.notify(daemon, message="slow down")
        self.wait_delivered(daemon, notification)
        self.assertGreaterEqual(time.time() - started, 1.9)
        attempts = self.history_entry(daemon, notification)["attempts"]
        self.assertEqual([a["outcome"] for a in attempts], ["retry", "delivered"])
        self.assertIn("429", attempts[0]["error"])

    def test_500_and_network_trouble_are_retried(self):
        daemon = self.linked_daemon()
        self.api.fail("sendMessage", 500, count=2)
        notification = self.notify(daemon, message="eventually")
        self.wait_delivered(daemon, notification)
        attempts = self.history_entry(daemon, notification)["attempts"]
        self.assertEqual([a["outcome"] for a in attempts], ["retry", "retry", "delivered"])
        self.assertEqual(self.api.texts(ALICE_CHAT), ["eventually"])

    def test_a_reply_slower_than_request_timeout_is_retried(self):
        daemon = self.linked_daemon(extra='request_timeout = "1s"')
        self.api.fail("sendMessage", status=None, delay=2.5)
        notification = self.notify(daemon, message="patience")
        self.wait_delivered(daemon, notification)
        attempts = self.history_entry(daemon, notification)["attempts"]
        self.assertEqual([a["outcome"] for a in attempts], ["retry", "delivered"])
        self.assertIn("sendMessage", attempts[0]["error"])
        self.assertIn("imeout", attempts[0]["error"])
        self.assertNotIn(TOKEN, attempts[0]["error"])
        self.assertIn("/bot<redacted>/sendMessage", attempts[0]["error"])

    def test_one_users_flood_does_not_delay_another_user(self):
        links = {"alice": {"chat_id": ALICE_CHAT, "linked_at": "t"}, "bob": {"chat_id": 222, "linked_at": "t"}}
        daemon = self.telegram_daemon(links=links, extra='per_chat_burst = 1').start()
        self.api.set_limits(per_chat_rate=1, per_chat_burst=1, global_rate=30, global_burst=1, slack=1)
        for n in range(8):
            self.notify(daemon, message=f"flood {n}")
        status, body = daemon.request("POST", "/v1/notify", {"user": "bob", "message": "for bob"})
        self.assertEqual(status, 200, body)
        self.wait_for(lambda: len(self.api.texts(ALICE_CHAT)) == 8, timeout=30, message="alice's flood")
        [bob] = self.api.sent(222)
        alice = self.api.sent(ALICE_CHAT)
        # Alice's chat takes one message a second; Bob's message does not queue behind hers.
        self.assertLess(bob["time"], alice[3]["time"], "bob waited behind alice's flood")
        self.assertEqual(self.api.texts(ALICE_CHAT), [f"flood {n}" for n in range(8)])
        self.assertEqual(self.api.stats["rate_limited"], 0)
        history = daemon.request("GET", "/v1/history?user=alice&limit=10")[1]["notifications"]
        errors = [a["error"] for n in history for a in n["attempts"] if a["outcome"] == "retry"]
        self.assertTrue(all(e == "waiting for the chat's rate limit" for e in errors), errors)

    def test_403_is_permanent_and_marks_the_link_inactive(self):
        daemon = self.linked_daemon()
        self.api.block(ALICE_CHAT)
        notification = self.notify(daemon, message="are you there")
        self.wait_delivered(daemon, notification, "failed")
        self.assertIn("blocked", self.history_entry(daemon, notification)["deliveries"][0]["last_error"])
        self.assertEqual(daemon.request("GET", "/api/telegram/status?user=alice")[1]["active"], False)
        users = json.loads(daemon.read_document("telegram_users.json"))
        self.assertEqual(users["alice"]["active"], False)
        # Not "has no linked channel": the link is there, the user blocked the bot.
        self.assertEqual(daemon.request("POST", "/send", {"user": "alice", "text": "again"}),
                         (404, {"error": "alice has blocked the Telegram bot; messages reach them again once they "
                                         "unblock it"}))

        self.api.block(ALICE_CHAT, False)
        self.api.push_my_chat_member(ALICE_CHAT, "member")
        self.wait_for(lambda: daemon.request("GET", "/api/telegram/status?user=alice")[1]["active"],
                      message="link active again")
        notification = self.notify(daemon, message="welcome back")
        self.wait_delivered(daemon, notification)

    def test_a_blocked_bot_notice_marks_the_link_inactive(self):
        daemon = self.linked_daemon()
        self.api.push_my_chat_member(ALICE_CHAT, "kicked")
        self.wait_for(lambda: not daemon.request("GET", "/api/telegram/status?user=alice")[1]["active"],
                      message="link inactive")
        self.assertIn("inactive", daemon.log())

    def test_a_migrated_group_is_followed(self):
        links = {"ops": {"chat_id": -100, "linked_at": "2024-05-01T12:00:00"}}
        daemon = self.telegram_daemon(links=links).start()
        self.api.migrate(-100, -1009999)
        status, body = daemon.request("POST", "/v1/notify", {"user": "ops", "message": "to the supergroup"})
        self.assertEqual(status, 200, body)
        self.wait_for(lambda: self.api.texts(-1009999) == ["to the supergroup"], message="delivery to the new chat")
        self.wait_for(lambda: json.loads(daemon.read_document("telegram_users.json"))["ops"]["chat_id"]
                      == -1009999, message="the link following the chat")

    def test_409_names_its_cause_and_polling_resumes(self):
        self.api.fail("getUpdates", 409, count=1)
        daemon = self.telegram_daemon().start()
        self.wait_for(lambda: "another instance or a webhook is using this token" in daemon.log(),
                      message="the 409 log line")
        self.api.push_message(555, "/help")
        self.wait_reply(555, "/whoami", timeout=30)
        self.assertIn("getUpdates works again", daemon.log())

    def test_health_says_the_bot_is_down_while_getupdates_fails(self):
        self.api.fail("getUpdates", 502, count=3, description="Bad Gateway")
        daemon = self.telegram_daemon(links={"alice": {"chat_id": ALICE_CHAT, "linked_at": "2024-05-01T12:00:00"}}).start()

        def bot():
            status, body = daemon.request("GET", "/v1/health")
            self.assertEqual(status, 200, body)
            return next(channel for channel in body["channels"] if channel["channel"] == "bot")

        down = self.wait_for(lambda: (b := bot())["state"] == "down" and b, message="state down")
        self.assertIn("getUpdates failed", down["last_error"])
        self.assertEqual(down["figures"], {"linked_users": 1})
        # Back to ok at the first poll that works, not when a 30 s long poll ends (backoff 1 + 2 + 4 s).
        self.wait_for(lambda: bot()["state"] == "ok", timeout=20, message="state ok after the failures")
        self.assertNotIn("last_error", bot())


class CommandsTest(TelegramTestCase):
    def test_status_buttons_run_a_check(self):
        daemon = self.telegram_daemon(
            links={"alice": {"chat_id": ALICE_CHAT, "linked_at": "2024-05-01T12:00:00"}}, fixtures=True,
            more_plugins='[[check]]\nname = "probe"\nuse = "native_probe"\nnotify = ["alice"]\n'
                         'mode = "alert"\nmessage = "disk almost full"\ncooldown = "1m"\n')
        if not list(pathlib.Path(self.tmp, "plugins").glob("notifyd_native_probe.so")):
            self.skipTest("the native_probe fixture check is not built")
        daemon.start()
        status, listed = daemon.request("GET", "/v1/checks?user=alice")
        if status == 404:
            self.skipTest("this daemon has no GET /v1/checks (check service) yet")
        self.assertEqual(status, 200, listed)

        self.api.push_message(ALICE_CHAT, "/status")
        self.wait_reply(ALICE_CHAT, "• probe")
        status_message = [c for c in self.api.sent(ALICE_CHAT) if "• probe" in c["text"]][-1]
        button = status_message["reply_markup"]["inline_keyboard"][0][0]
        self.assertEqual(button, {"text": "Run probe", "callback_data": "run:probe"})

        query = self.api.push_callback(ALICE_CHAT, "run:probe")
        self.api.wait_for(lambda: [c for c in self.api.calls("answerCallbackQuery") if c["callback_query_id"] == query])
        self.wait_reply(ALICE_CHAT, "probe ran")
        self.wait_reply(ALICE_CHAT, "disk almost full")
        self.assertIn("a notification is on its way", self.replies(ALICE_CHAT, "probe ran")[0])

        self.api.push_message(ALICE_CHAT, "/run probe")
        self.wait_reply(ALICE_CHAT, "Running probe")
        self.wait_reply(ALICE_CHAT, "probe ran", count=2)
        self.assertIn("cooldown", self.replies(ALICE_CHAT, "probe ran")[1])
        self.api.push_message(ALICE_CHAT, "/run nothing_like_it")
        self.wait_reply(ALICE_CHAT, "Could not run nothing_like_it")
        status, runs = daemon.request("GET", "/v1/checks/probe/runs?user=alice")
        self.assertEqual([r["trigger"] for r in runs["runs"]], ["telegram", "telegram"])

    def test_mute_holds_notifications_and_unmute_releases_them(self):
        daemon = self.linked_daemon()
        self.api.push_message(ALICE_CHAT, "/mute 1h")
        self.wait_reply(ALICE_CHAT, "Muted until")
        self.assertIn("alice", json.loads(daemon.read_document("bot_telegram_state.json"))["muted_until"])
        notification = self.notify(daemon, title="Held", message="while muted")
        time.sleep(1.5)
        self.assertEqual(self.replies(ALICE_CHAT, "while muted"), [])
        entry = self.history_entry(daemon, notification)
        self.assertEqual(entry["deliveries"][0]["state"], "pending")
        self.assertIn("muted until", entry["attempts"][0]["error"])
        self.api.push_message(ALICE_CHAT, "/status")
        self.wait_reply(ALICE_CHAT, "alice: muted until")

        self.api.push_message(ALICE_CHAT, "/unmute")
        self.wait_reply(ALICE_CHAT, "Unmuted")
        unmuted_at = time.time()
        self.wait_reply(ALICE_CHAT, "while muted")
        self.assertLess(time.time() - unmuted_at, 5)
        self.wait_delivered(daemon, notification)


class RestartTest(TelegramTestCase):
    def commands_handled(self, chat, text):
        return len(self.replies(chat, text))

    def test_a_restart_in_the_middle_of_a_poll_neither_loses_nor_repeats_a_command(self):
        daemon = self.telegram_daemon().start()
        self.api.push_message(601, "/help")
        self.wait_reply(601, "/whoami")
        time.sleep(0.5)  # the next long poll is now in flight
        self.assertEqual(daemon.stop(), 0)
        stopping = [line[:23] for line in daemon.log().splitlines()
                    if "notifyd: stopping (Terminated)" in line or "notifyd: stopped" in line]
        took = (datetime.datetime.fromisoformat(stopping[-1]) - datetime.datetime.fromisoformat(stopping[-2]))
        self.assertLess(took.total_seconds(), 1.5, "stopping waited for the long poll")
        state = json.loads(daemon.read_document("bot_telegram_state.json"))
        self.assertEqual(state["offset"], 2)

        self.api.push_message(602, "/whoami")  # arrives while the daemon is down
        daemon.start()
        self.wait_reply(602, "not linked")
        time.sleep(1)
        self.assertEqual(len(self.replies(602, "not linked")), 1)
        self.assertEqual(len(self.replies(601, "/whoami")), 1)

        # A crash right after a command was handled does not apply it again: no
        # second code. The reply itself is at least once: killed between Telegram
        # taking it and the state file saying so, it is sent again, the same text.
        self.api.push_message(603, "/start")
        self.wait_reply(603, "verification code")
        daemon.kill()
        daemon.start()
        self.api.push_message(604, "/help")
        self.wait_reply(604, "/whoami")
        codes = {re.search(r"(\d{6})", text).group(1) for text in self.replies(603, "verification code")}
        self.assertEqual(len(codes), 1, self.replies(603))
        self.assertEqual(daemon.stop(), 0)


def bot_state(daemon):
    content = daemon.read_document("bot_telegram_state.json")
    return json.loads(content) if content is not None else {}


class DurableRepliesTest(TelegramTestCase):
    """A command's replies are stored with its update's offset: stops, crashes and
    Bot API failures delay them, never lose or repeat them."""

    COMMANDS = [f"/c{n}" for n in range(8)]  # unknown commands: each answer names its command

    def answers(self):
        texts = self.api.texts(ALICE_CHAT)
        return {c: sum(t.startswith(f"Unknown command {c}.") for t in texts) for c in self.COMMANDS}

    def burst_then_stop(self, stop, sent_before):
        """8 commands at once; `stop` once they are confirmed and `sent_before` answers went out."""
        daemon = self.linked_daemon()
        if not sent_before:
            self.api.fail("sendMessage", 502, count=10**6)
        last = None
        for command in self.COMMANDS:
            last = self.api.push_message(ALICE_CHAT, command)
        self.wait_for(lambda: bot_state(daemon).get("offset", 0) > last, message="the burst confirmed")
        if sent_before:
            # The chat's limit sends 3 at once, then one a second; the rest are held back by failures.
            self.wait_for(lambda: sum(self.answers().values()) >= sent_before, message="the first answers")
            self.api.fail("sendMessage", 502, count=10**6)
        self.wait_for(lambda: len(bot_state(daemon)["replies"]) + sum(self.answers().values()) == 8,
                      message="the stored replies matching what Telegram has")
        stop(daemon)
        self.api.heal()
        daemon.start()
        self.wait_for(lambda: all(self.answers().values()), timeout=60, message="every command answered")
        self.wait_for(lambda: not bot_state(daemon)["replies"], message="no reply left to send")
        self.assertEqual(self.answers(), {c: 1 for c in self.COMMANDS})
        self.assertEqual(daemon.stop(), 0)

    def sigterm(self, daemon):
        self.assertEqual(daemon.stop(), 0)

    def test_sigterm_right_after_the_burst_was_confirmed(self):
        self.burst_then_stop(self.sigterm, 0)

    def test_sigterm_after_three_answers(self):
        self.burst_then_stop(self.sigterm, 3)

    def test_kill_9_right_after_the_burst_was_confirmed(self):
        self.burst_then_stop(lambda daemon: daemon.kill(), 0)

    def test_kill_9_after_three_answers(self):
        self.burst_then_stop(lambda daemon: daemon.kill(), 3)

    def test_whoami_through_three_502s_is_answered(self):
        daemon = self.linked_daemon()
        self.api.fail("sendMessage", 502, count=3, description="Bad Gateway")
        self.api.push_message(ALICE_CHAT, "/whoami")
        reply = self.wait_reply(ALICE_CHAT, "This chat is linked", timeout=30)
        self.assertIn("alice linked it at 2024-05-01 12:00 UTC.", reply)
        self.assertEqual([c["status"] for c in self.api.calls("sendMessage")], [502, 502, 502, 200])
        self.assertEqual(daemon.stop(), 0)

    def test_a_code_reply_older_than_the_code_is_dropped(self):
        daemon = self.telegram_daemon(extra='code_ttl = "2s"').start()
        self.wait_polling()
        self.api.fail("sendMessage", 502, count=10**6)
        self.api.push_message(901, "/start")
        self.wait_for(lambda: "dropped unsent" in daemon.log(), timeout=40, message="the expired code reply dropped")
        self.api.heal()
        self.api.push_message(901, "/help")
        self.wait_reply(901, "/whoami")
        self.assertEqual(self.replies(901, "verification code"), [])
        self.assertEqual(daemon.stop(), 0)

    def test_the_code_is_monospace_and_the_sender_threads_have_names(self):
        daemon = self.telegram_daemon().start()
        self.api.push_message(902, "/start")
        self.wait_reply(902, "verification code")
        text, entities = self.api.shown(902)[-1]
        code = re.search(r"code: (\d{6})", text)
        self.assertIn({"type": "code", "offset": code.start(1), "length": 6}, entities)
        names = {(task / "comm").read_text().strip()
                 for task in pathlib.Path(f"/proc/{daemon.process.pid}/task").iterdir()}
        self.assertLessEqual({"tg-poller", "tg-sender-0"}, names)
        self.assertEqual(daemon.stop(), 0)


class OrderTest(TelegramTestCase):
    def test_thirty_notifications_through_an_outage_and_two_restarts_arrive_in_order(self):
        # A fast chat limit: the test is about order, not pacing.
        daemon = self.linked_daemon(extra='per_chat_rate = "100/s"\nper_chat_burst = 30')
        for run in range(5):
            with self.subTest(run=run):
                accepted = []

                def send(count):
                    for _ in range(count):
                        accepted.append(f"run {run} #{len(accepted)}")
                        self.notify(daemon, message=accepted[-1])

                def arrived():
                    return [t for t in self.api.texts(ALICE_CHAT) if t.startswith(f"run {run} #")]

                self.api.fail("sendMessage", 502, count=10**6)
                sent_calls = len(self.api.calls("sendMessage"))
                send(10)
                self.wait_for(lambda: len(self.api.calls("sendMessage")) > sent_calls, message="a failed attempt")
                self.assertEqual(daemon.stop(), 0)
                daemon.start()
                send(10)
                self.api.heal()
                self.api.fail("sendMessage", 502, count=4)  # the API flickers on its way back
                self.wait_for(lambda: len(arrived()) >= 5, message="some delivered")
                daemon.kill()
                daemon.start()
                send(10)
                self.wait_for(lambda: set(arrived()) >= set(accepted), timeout=60,
                              message=lambda: f"all 30 delivered; missing {sorted(set(accepted) - set(arrived()))}")
                # A kill -9 may repeat the message in flight (at least once); the order never breaks.
                positions = [accepted.index(text) for text in arrived()]
                self.assertEqual(positions, sorted(positions), arrived())
        self.assertEqual(daemon.stop(), 0)


    def replies_and_notifications_keep_their_order(self, restart):
        daemon = self.linked_daemon(extra='per_chat_rate = "100/s"\nper_chat_burst = 30')
        self.api.fail("sendMessage", 502, count=10**6)
        attempts = len(self.api.calls("sendMessage"))
        self.notify(daemon, message="note #0")
        self.wait_for(lambda: len(self.api.calls("sendMessage")) > attempts, message="note #0 failed once")
        update = self.api.push_message(ALICE_CHAT, "/whoami")
        self.wait_for(lambda: bot_state(daemon).get("offset", 0) > update, message="/whoami confirmed")
        self.notify(daemon, message="note #1")
        if restart:
            restart(daemon)
            daemon.start()
        self.api.heal()

        def arrived():
            return [t for t in self.api.texts(ALICE_CHAT) if t.startswith("note #") or "This chat is linked" in t]

        self.wait_for(lambda: len(arrived()) >= 3, timeout=60, message="both notes and the answer")
        order = [t if t.startswith("note #") else "answer" for t in arrived()]
        # Each is accepted after the one before it: the chat shows them in that order.
        self.assertEqual(order, ["note #0", "answer", "note #1"])
        self.wait_for(lambda: not bot_state(daemon).get("held"), message="nothing held back any more")
        self.assertEqual(daemon.stop(), 0)

    def test_a_reply_waits_for_an_earlier_notification_and_a_later_one_for_the_reply(self):
        self.replies_and_notifications_keep_their_order(None)

    def test_replies_and_notifications_keep_their_order_across_a_restart(self):
        self.replies_and_notifications_keep_their_order(lambda daemon: self.assertEqual(daemon.stop(), 0))

    def test_replies_and_notifications_keep_their_order_across_a_kill_9(self):
        self.replies_and_notifications_keep_their_order(lambda daemon: daemon.kill())


class LongFormattedTextTest(TelegramTestCase):
    """A long message in each parse mode arrives as valid parts: no part needs the plain-text fallback."""

    ROWS = 200
    FORMATS = {
        "Markdown": ("*{}*", "```python\n", "```", "[the dashboard](https://example.com/d)"),
        "MarkdownV2": ("*{}*", "```python\n", "```", "[the dashboard](https://example.com/d)"),
        "HTML": ("<b>{}</b>", '<pre><code class="language-python">', "</code></pre>",
                 '<a href="https://example.com/d">the dashboard</a>'),
    }

    def message(self, parse_mode):
        bold, pre_open, pre_close, link = self.FORMATS[parse_mode]
        rows = "\n".join(f"row {i:03d} = {i * 37 % 1000:5d}  # value" for i in range(self.ROWS))
        lines = [f"Numbers for the week, {bold.format('read them first')}, and {link}", pre_open + rows + pre_close]
        lines += [f"tail line {i} with {bold.format('bold words')}" for i in range(30)]
        return "\n".join(lines)

    def test_a_long_message_arrives_as_valid_parts_in_every_parse_mode(self):
        daemon = self.linked_daemon()
        for parse_mode in self.FORMATS:
            with self.subTest(parse_mode=parse_mode):
                self.api.reset()
                message = self.message(parse_mode)
                self.assertGreater(len(message), 6000)
                notification = self.notify(daemon, title="Weekly report", message=message, format=parse_mode.lower())
                self.wait_delivered(daemon, notification)
                calls = self.api.calls("sendMessage")
                self.assertEqual([c["status"] for c in calls], [200] * len(calls), [c["reply"] for c in calls])
                self.assertGreaterEqual(len(calls), 2)
                self.assertTrue(all(c.get("parse_mode") == parse_mode for c in calls))
                shown = self.api.shown(ALICE_CHAT)
                first_text, first_entities = shown[0]
                self.assertTrue(first_text.startswith("Weekly report\n"))
                self.assertIn({"type": "bold", "offset": 0, "length": len("Weekly report")}, first_entities)
                kinds = [{e["type"] for e in entities} for _, entities in shown]
                self.assertGreaterEqual(sum("pre" in k for k in kinds), 2, "the code block spans a cut")
                self.assertTrue(any("text_link" in k for k in kinds))
                self.assertTrue(all(len(text.encode("utf-16-le")) // 2 <= 4096 for text, _ in shown))
                visible = "\n".join(text for text, _ in shown)
                for row in range(self.ROWS):
                    self.assertIn(f"row {row:03d} =", visible)
                self.assertIn("tail line 29 with bold words", visible)


class StopTest(TelegramTestCase):
    def test_stop_does_not_wait_for_a_hanging_bot_api(self):
        daemon = self.linked_daemon()
        self.api.fail("sendMessage", status=None, delay=30)
        notification = self.notify(daemon, message="stuck")
        self.wait_for(lambda: self.api.active("sendMessage"), message="a send in flight")
        started = time.monotonic()
        self.assertEqual(daemon.stop(), 0)
        # A clean stop lets a send in flight finish for a second, no longer.
        self.assertLess(time.monotonic() - started, 3.0, "stopping waited for the Bot API")
        self.assertEqual(daemon.delivery_state(notification), "pending")
        self.api.heal()
        daemon.start()
        self.wait_delivered(daemon, notification)
        self.assertEqual(daemon.stop(), 0)


class TwoBotsTest(TelegramTestCase):
    def test_two_instances_with_their_own_tokens_and_files(self):
        second = (f'[[plugin]]\nuse = "telegram"\nname = "bot2"\ntoken_env = "TELEGRAM_OTHER_TOKEN"\n'
                  f'api_base_url = "{self.api.base_url}"\nroutes = false\n'
                  f'users_file = "bot2_users.json"\ncodes_file = "bot2_codes.json"\n')
        daemon = self.telegram_daemon(more_plugins=second).start()
        self.wait_polling(TOKEN)
        self.wait_polling(OTHER_TOKEN)
        self.api.push_message(700, "/start", token=OTHER_TOKEN)
        self.wait_for(lambda: [c for c in self.api.sent(700) if c["token"] == OTHER_TOKEN], message="second bot reply")
        self.assertIsNotNone(daemon.read_document("bot2_codes.json"))
        self.assertIsNone(daemon.read_document("pending_codes.json"))
        self.assertEqual(daemon.stop(), 0)

    def test_two_instances_on_the_same_files_or_routes_are_refused(self):
        for extra, expected in (('routes = false\n', "already used by the telegram instance"),
                                ('users_file = "b.json"\ncodes_file = "c.json"\n', "set routes = false")):
            with self.subTest(extra=extra):
                second = (f'[[plugin]]\nuse = "telegram"\nname = "bot2"\ntoken_env = "TELEGRAM_OTHER_TOKEN"\n'
                          f'api_base_url = "{self.api.base_url}"\n{extra}')
                daemon = self.telegram_daemon(more_plugins=second)
                daemon.start(wait=False)
                self.assertNotEqual(daemon.process.wait(30), 0)
                daemon.stdout.close()
                daemon.stderr.close()
                self.assertIn(expected, daemon.log())
                daemon.stderr_path.unlink()


if __name__ == "__main__":
    unittest.main()
