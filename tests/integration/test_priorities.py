"""Priorities and tags end to end in the real daemon: sent over the socket API
(and notifyctl), delivered to Telegram (a fake Bot API that reads
`disable_notification` as Telegram does) and to the desktop app (the strict
seed client), and filtered in history."""

import base64
import os
import pathlib
import subprocess
import time

from harness import NOTIFYCTL
from test_telegram import ALICE_CHAT, TelegramTestCase, png_image
from test_websocket import SECRET, free_port
from ws_client import WsClient, make_token


class PrioritiesTest(TelegramTestCase):
    def setUp(self):
        super().setUp()
        self.port = free_port()
        secret_file = pathlib.Path(self.tmp) / "jwt.secret"
        secret_file.write_text(SECRET + "\n")
        desktop = (f'[[plugin]]\nuse = "websocket"\nname = "desk"\nlisten = "127.0.0.1:{self.port}"\n'
                   f'jwt_secret_file = "{secret_file}"\n')
        self.d = self.linked_daemon(more_plugins=desktop)
        self.clients = []

    def tearDown(self):
        for client in self.clients:
            client.close()
        super().tearDown()

    def message_call(self, containing):
        """The successful sendMessage or sendPhoto call whose text contains `containing`."""
        return self.api.wait_for(lambda: next((c for c in self.api.sent(ALICE_CHAT)
                                               if containing in (c.get("text") or c.get("caption") or "")), None))

    def history(self, query=""):
        status, body = self.d.request("GET", f"/v1/history?user=alice{query}")
        self.assertEqual(status, 200, body)
        return [n["message"] for n in body["notifications"]]

    def notifyctl(self, *arguments):
        return subprocess.run([NOTIFYCTL, *arguments], capture_output=True, text=True, timeout=60,
                              env=dict(os.environ, NOTIFYD_SOCKET=self.d.socket_path))

    def test_low_priority_goes_silently_tags_are_hashtags_and_urgent_passes_mute(self):
        self.notify(self.d, title="Weekly", message="weekly report", priority="low", tags=["report", "q4-sales"])
        self.notify(self.d, message="plain one")
        self.notify(self.d, message="quiet chart", priority=1, image=base64.b64encode(png_image()).decode())
        weekly = self.message_call("weekly report")
        self.assertIs(weekly["disable_notification"], True)
        self.assertEqual(weekly["text"], "*Weekly*\nweekly report\n\n#report #q4\\_sales")
        self.assertIn("Weekly\nweekly report\n\n#report #q4_sales", [text for text, _ in self.api.shown(ALICE_CHAT)])
        self.assertNotIn("disable_notification", self.message_call("plain one"))
        photo = self.message_call("quiet chart")
        self.assertEqual(photo["method"], "sendPhoto")
        self.assertIs(photo["disable_notification"], True)

        self.api.push_message(ALICE_CHAT, "/mute 1h")
        self.assertIn("urgent ones still arrive", self.wait_reply(ALICE_CHAT, "Muted until"))
        held = self.notify(self.d, message="held while muted", priority="high")
        urgent = self.notify(self.d, title="Disk", message="disk 99% full", priority="max", tags=["disk"])
        self.assertNotIn("disable_notification", self.message_call("disk 99% full"))
        self.wait_delivered(self.d, urgent)
        self.assertEqual(self.delivery_state(self.d, held), "pending")
        self.assertEqual(self.replies(ALICE_CHAT, "held while muted"), [])
        attempts = self.wait_for(lambda: self.history_entry(self.d, held)["attempts"], message="the held one's attempt")
        self.assertIn("muted until", attempts[0]["error"])

        self.api.push_message(ALICE_CHAT, "/unmute")
        self.wait_reply(ALICE_CHAT, "held while muted")
        self.wait_delivered(self.d, held)

    def test_the_desktop_frame_carries_priority_and_tags_for_the_strict_seed_client(self):
        client = WsClient(self.port)
        self.clients.append(client)
        client.auth(make_token(SECRET, "alice"))
        self.assertEqual(client.recv_json()["type"], "auth_ok")
        first = self.notify(self.d, message="backup late", priority="high", tags=["backup", "prod"])
        second = self.notify(self.d, message="as before")
        frames = []
        deadline = time.time() + 20
        while len(frames) < 2:
            message = client.recv_json(max(deadline - time.time(), 0.001))  # checked against the seed's shapes
            if message["type"] == "notification":
                frames.append(message)
        frames.sort(key=lambda frame: int(frame["id"]))
        self.assertEqual([(f["id"], f["priority"], f["tags"]) for f in frames],
                         [(str(first), 4, ["backup", "prod"]), (str(second), 3, [])])
        self.assertEqual(list(frames[0])[:7], ["type", "id", "title", "message", "script", "timestamp", "image_url"])

    def test_history_filters_by_lowest_priority_and_tag_over_the_api_and_notifyctl(self):
        self.notify(self.d, message="weekly report", priority="min", tags=["report"])
        self.notify(self.d, message="plain one")
        self.notify(self.d, message="disk 99%", priority=5, tags=["disk", "prod"])
        self.notify(self.d, message="backup late", priority="4", tags=["backup", "prod"])
        sent = self.notifyctl("send", "--user", "alice", "--priority", "low", "--tags", "cli, prod", "from the cli")
        self.assertEqual(sent.returncode, 0, sent.stderr)

        self.assertEqual(self.history("&min_priority=high"), ["backup late", "disk 99%"])
        self.assertEqual(self.history("&min_priority=2"),
                         ["from the cli", "backup late", "disk 99%", "plain one"])
        self.assertEqual(self.history("&tag=prod"), ["from the cli", "backup late", "disk 99%"])
        self.assertEqual(self.history("&tag=prod&min_priority=urgent"), ["disk 99%"])
        status, body = self.d.request("GET", "/v1/history?user=alice&limit=1&tag=prod")
        self.assertEqual(body["notifications"][0]["tags"], ["cli", "prod"])
        self.assertEqual(body["notifications"][0]["priority"], 2)
        status, body = self.d.request("GET", f"/v1/history?user=alice&limit=1&tag=prod&before={body['next_before']}")
        self.assertEqual([n["message"] for n in body["notifications"]], ["backup late"])
        self.assertEqual(self.d.request("GET", "/v1/history?user=alice&min_priority=loud"),
                         (400, {"error": "invalid parameter: min_priority: expected 1-5 or min, low, default, high, "
                                         "urgent (max)"}))

        listed = self.notifyctl("history", "--user", "alice", "--min-priority", "high", "--tag", "prod", "--limit", "1")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn("priority high  [backup, prod]", listed.stdout)
        self.assertNotIn("disk 99%", listed.stdout)
        self.assertIn("notifyctl history --before", listed.stdout)
        self.assertIn("--min-priority high --tag prod", listed.stdout)
        refused = self.notifyctl("history", "--min-priority", "loud")
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("--min-priority must be 1-5", refused.stderr)

    def test_a_bad_priority_or_tag_is_refused_with_the_error_shape_and_nothing_is_sent(self):
        for body, error in (
                ({"priority": 9}, "invalid field: priority (expected 1-5 or min, low, default, high, urgent (max), "
                                  "got 9)"),
                ({"priority": "loud"}, 'invalid field: priority (expected 1-5 or min, low, default, high, urgent '
                                       '(max), got "loud")'),
                ({"tags": "disk"}, 'invalid field: tags (expected an array of strings, got "disk")'),
                ({"tags": ["a\u0007"]}, 'invalid field: tags (tag "a?" contains a control character)'),
                ({"tags": [f"t{i}" for i in range(11)]}, "invalid field: tags (more than 10 tags)")):
            for route, fields in (("/v1/notify", {"message": "x"}), ("/send", {"text": "x"})):
                self.assertEqual(self.d.request("POST", route, {"user": "alice", **fields, **body}),
                                 (400, {"error": error}))
        self.assertEqual(self.history(), [])
        self.assertEqual(self.api.sent(ALICE_CHAT), [])
