"""Publishing from other machines: API tokens made with notifyctl (and on the
dashboard), `POST /v1/notify` on the web listener with `Authorization: Bearer`,
JSON and plain-text bodies, `Idempotency-Key`, per-token rate limits, against
the real daemon over real TCP on 127.0.0.1."""

import json
import re
import subprocess
import threading
import time
import unittest
import urllib.parse

from harness import BACKEND, NOTIFYCTL, DaemonTestCase, as_user, request
from test_replicas import ReplicasTestCase
from test_webui import Dashboard, json_body, web

TOKEN = re.compile(r"^nd_[0-9a-f]{12}[A-Za-z0-9_-]{43}$", re.M)


class PublishCase(DaemonTestCase):
    EXTRA = ""

    def setUp(self):
        super().setUp()
        self.web = Dashboard(self, extra=self.EXTRA)
        self.daemon_ = self.web.daemon

    def notifyctl(self, *arguments, check=True):
        result = subprocess.run([NOTIFYCTL, "--socket", self.daemon_.socket_path, *arguments],
                                capture_output=True, text=True, timeout=30)
        if check:
            self.assertEqual(result.returncode, 0, result.stderr)
        return result

    def create_token(self, user, *options):
        """A token for `user` made with notifyctl (root is an admin): (token, id)."""
        output = self.notifyctl("token", "create", "--user", user, *options).stdout
        token = TOKEN.search(output).group(0)
        token_id = re.search(r"^ID:\s+([0-9a-f]{12})$", output, re.M).group(1)
        return token, token_id

    def publish(self, token, body, headers=None, content_type="application/json"):
        """POST /v1/notify: (status, lower-case headers with lists, parsed JSON body)."""
        hdrs = {"Content-Type": content_type}
        if token is not None:
            hdrs["Authorization"] = f"Bearer {token}"
        hdrs.update(headers or {})
        payload = json.dumps(body).encode() if isinstance(body, dict) else body
        status, found, data = web(self.web.port, "POST", "/v1/notify", body=payload, headers=hdrs)
        return status, found, json_body(data)

    def history(self, user):
        status, body = self.daemon_.request("GET", f"/v1/history?user={user}")
        self.assertEqual(status, 200, body)
        return body["notifications"]


class TokenPublishTest(PublishCase):
    def test_a_token_made_with_notifyctl_publishes_json_to_its_owner_until_revoked(self):
        token, token_id = self.create_token("alice", "--name", "ci-runner", "--expires", "30d")
        listed = self.notifyctl("token", "list", "--user", "alice").stdout
        self.assertIn(token_id, listed)
        self.assertIn("ci-runner", listed)
        self.assertNotIn(token[3:], listed)
        stored = self.daemon_.read_document("api_tokens.json")
        self.assertIn(token_id, stored)
        self.assertNotIn(token[15:], stored, "only a digest of the token is kept")

        status, _, body = self.publish(token, {"title": "Backup", "message": "backup failed on db-3"})
        self.assertEqual(status, 200, body)
        self.assertTrue(body["ok"])
        entries = self.history("alice")
        self.assertEqual([(e["id"], e["title"], e["message"]) for e in entries],
                         [(body["id"], "Backup", "backup failed on db-3")])

        self.notifyctl("token", "revoke", "--user", "alice", token_id)
        self.assertIn("no API tokens", self.notifyctl("token", "list", "--user", "alice").stdout)
        status, headers, body = self.publish(token, {"message": "again"})
        self.assertEqual(status, 401)
        self.assertEqual(body, {"error": "unknown or revoked API token"})
        self.assertEqual(headers["www-authenticate"], ["Bearer"])
        self.assertEqual(len(self.history("alice")), 1)

    def test_plain_text_with_ntfy_headers(self):
        token, _ = self.create_token("alice")
        status, _, body = self.publish(token, "disk 99 % full on /srv".encode(), content_type="text/plain",
                                       headers={"Title": "Disk", "X-Priority": "5", "Tags": "disk, warning"})
        self.assertEqual(status, 200, body)
        status, _, body = self.publish(token, b"second", content_type="text/plain", headers={"X-Title": "Other"})
        self.assertEqual(status, 200, body)
        entries = self.history("alice")
        self.assertEqual([(e["title"], e["message"]) for e in entries],
                         [("Other", "second"), ("Disk", "disk 99 % full on /srv")])

    def test_a_token_sends_only_to_its_owner(self):
        alice, _ = self.create_token("alice")
        status, _, body = self.publish(alice, {"user": "bob", "message": "as bob"})
        self.assertEqual(status, 403)
        self.assertEqual(body, {"error": "this token sends only to alice"})
        status, _, body = self.publish(alice, {"user": "alice", "message": "as alice"})
        self.assertEqual(status, 200, body)
        self.assertEqual(self.history("bob"), [])
        self.assertEqual([e["message"] for e in self.history("alice")], ["as alice"])

    def test_missing_malformed_and_expired_tokens_are_401_and_bad_bodies_400(self):
        status, headers, body = self.publish(None, {"message": "x"})
        self.assertEqual(status, 401)
        self.assertEqual(headers["www-authenticate"], ["Bearer"])
        self.assertIn("missing API token", body["error"])
        for bad in ["nd_000000000000" + "A" * 43, "not-a-token", "Basic abc"]:
            with self.subTest(token=bad):
                status, _, body = self.publish(bad, {"message": "x"})
                self.assertEqual(status, 401)

        token, _ = self.create_token("alice")
        for payload, content_type, error in [(b"{not json", "application/json", "invalid JSON"),
                                             (b"[1]", "application/json", "invalid JSON"),
                                             (b"\xff\xfe", "text/plain", "the body is not UTF-8 text"),
                                             (b"", "text/plain", "missing field: message")]:
            with self.subTest(payload=payload):
                status, _, body = self.publish(token, payload, content_type=content_type)
                self.assertEqual((status, body), (400, {"error": error}))
        status, _, body = self.publish(token, b"x" * (2 << 20), content_type="text/plain")
        self.assertEqual(status, 413)
        self.assertIn("error", body)
        status, _, body = self.publish(token, {"message": "x"}, headers={"Idempotency-Key": "x" * 300})
        self.assertEqual(status, 400)
        self.assertIn("Idempotency-Key", body["error"])

        result = self.notifyctl("token", "create", "--user", "alice", "--expires", "2020-01-01", check=False)
        self.assertEqual(result.returncode, 1)
        self.assertIn("in the past", result.stderr)
        short, _ = self.create_token("alice", "--expires", "2s")
        status, _, body = self.publish(short, {"message": "in time"})
        self.assertEqual(status, 200, body)
        # Asked with a body it would refuse (400) while the token holds, so waiting sends nothing.
        self.wait_for(lambda: self.publish(short, {})[2] == {"error": "the API token has expired"},
                      message="the 2 s token to expire")
        status, _, body = self.publish(short, {"message": "late"})
        self.assertEqual((status, body), (401, {"error": "the API token has expired"}))
        self.assertIn("(expired)", self.notifyctl("token", "list", "--user", "alice").stdout)
        self.assertEqual([e["message"] for e in self.history("alice")], ["in time"])

    def test_the_same_idempotency_key_is_delivered_once(self):
        token, _ = self.create_token("alice")
        first = self.publish(token, {"message": "deploy done"}, headers={"Idempotency-Key": "deploy-42"})
        self.assertEqual(first[0], 200, first[2])
        again = self.publish(token, {"message": "deploy done"}, headers={"Idempotency-Key": "deploy-42"})
        self.assertEqual(again[0], 200)
        self.assertEqual(again[2], first[2])
        self.assertEqual(again[1]["idempotent-replayed"], ["true"])
        other = self.publish(token, b"deploy done", content_type="text/plain", headers={"Idempotency-Key": "deploy-43"})
        self.assertEqual(other[0], 200)
        self.assertNotEqual(other[2]["id"], first[2]["id"])
        self.assertEqual([e["id"] for e in self.history("alice")], [other[2]["id"], first[2]["id"]])

        # The key is the owner's: bob's same key is his own request.
        bob, _ = self.create_token("bob")
        status, headers, body = self.publish(bob, {"message": "bob's"}, headers={"Idempotency-Key": "deploy-42"})
        self.assertEqual(status, 200)
        self.assertNotIn("idempotent-replayed", headers)
        self.assertEqual([e["message"] for e in self.history("bob")], ["bob's"])

    def test_a_user_manages_only_their_own_tokens(self):
        path = self.daemon_.socket_path
        status, body = as_user("nobody", lambda: request(path, "POST", "/v1/tokens", {"user": "alice"}))
        self.assertEqual(status, 403, body)
        status, body = as_user("nobody", lambda: request(path, "GET", "/v1/tokens?user=alice"))
        self.assertEqual(status, 403, body)
        _, alice_id = self.create_token("alice")
        status, body = as_user("nobody", lambda: request(path, "DELETE", f"/v1/tokens/{alice_id}?user=alice"))
        self.assertEqual(status, 403, body)
        status, body = as_user("nobody", lambda: request(path, "DELETE", f"/v1/tokens/{alice_id}"))
        self.assertEqual(status, 404, body)

        status, body = as_user("nobody", lambda: request(path, "POST", "/v1/tokens", {"name": "mine"}))
        self.assertEqual(status, 200, body)
        self.assertEqual(body["issued"]["user"], "nobody")
        status, listed = as_user("nobody", lambda: request(path, "GET", "/v1/tokens"))
        self.assertEqual([t["name"] for t in listed["tokens"]], ["mine"])
        status, _, sent = self.publish(body["token"], b"from nobody's token", content_type="text/plain")
        self.assertEqual(status, 200, sent)
        self.assertEqual([e["message"] for e in self.history("nobody")], ["from nobody's token"])
        self.assertIn(alice_id, self.notifyctl("token", "list", "--user", "alice").stdout)


class RateLimitTest(PublishCase):
    EXTRA = "publish_burst = 3\npublish_per_minute = 1000"

    def test_a_token_over_its_burst_gets_429_with_retry_after(self):
        token, _ = self.create_token("alice")
        other, _ = self.create_token("alice")
        answers = [self.publish(token, {"message": f"n{i}"}) for i in range(7)]
        # Seven requests span at most two 10-second windows of three.
        limited = [a for a in answers if a[0] == 429]
        self.assertTrue(limited, [a[0] for a in answers])
        self.assertTrue(all(a[0] in (200, 429) for a in answers), [a[0] for a in answers])
        status, headers, body = limited[0]
        self.assertIn("too often", body["error"])
        self.assertTrue(1 <= int(headers["retry-after"][0]) <= 10, headers["retry-after"])
        # The limit is the token's: another token of the same user still publishes.
        self.assertEqual(self.publish(other, {"message": "other token"})[0], 200)
        self.assertEqual(len(self.history("alice")), len(answers) - len(limited) + 1)


class DashboardTokensTest(PublishCase):
    def test_a_token_made_on_the_dashboard_is_shown_once_and_revocable(self):
        cookie, csrf = self.web.sign_in()
        form_headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        status, _, page = self.web.post("/tokens", urllib.parse.urlencode({"name": "laptop"}).encode(),
                                        headers=form_headers)
        self.assertEqual(status, 403, "no CSRF token, no token")

        form = urllib.parse.urlencode({"csrf_token": csrf, "name": "laptop", "expires": "7d"}).encode()
        status, _, page = self.web.post("/tokens", form, headers=form_headers)
        self.assertEqual(status, 200, page)
        token = TOKEN.search(page.decode().replace(">", "\n").replace("<", "\n")).group(0)
        self.assertIn(f"/v1/notify", page.decode())

        status, _, page = self.web.get("/tokens", headers={"Cookie": cookie})
        self.assertEqual(status, 200)
        self.assertIn(b"laptop", page)
        self.assertNotIn(token.encode(), page, "the token is shown only once")
        token_id = token[3:15]
        self.assertIn(token_id.encode(), page)

        status, _, body = self.publish(token, {"message": "from the dashboard's token"})
        self.assertEqual(status, 200, body)
        self.assertEqual(self.history("root")[0]["message"], "from the dashboard's token")

        bad = urllib.parse.urlencode({"csrf_token": csrf, "name": "x", "expires": "yesterday"}).encode()
        status, _, page = self.web.post("/tokens", bad, headers=form_headers)
        self.assertEqual(status, 400)
        self.assertIn(b"expires:", page)

        revoke = urllib.parse.urlencode({"csrf_token": csrf, "id": token_id}).encode()
        status, headers, _ = self.web.post("/tokens/revoke", revoke, headers=form_headers)
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], ["/tokens"])
        self.assertEqual(self.publish(token, {"message": "revoked"})[0], 401)
        self.assertIn("no API tokens", self.notifyctl("token", "list").stdout)


@unittest.skipUnless(BACKEND == "postgres", "needs the postgres ctest fixture (ctest -L postgres)")
class ReplicasPublishTest(ReplicasTestCase):
    def test_tokens_revocations_and_idempotency_keys_hold_on_every_replica(self):
        replicas = self.replicas(lambda i: '[[plugin]]\nuse = "console"\nformat = "json"\n\n'
                                           '[[plugin]]\nuse = "webui"\nname = "web"\nlisten = "127.0.0.1:0"\n')
        ports = []
        for daemon in replicas:
            daemon.start()
            match = self.wait_for(lambda: re.search(r"dashboard at http://127\.0\.0\.1:(\d+)/", daemon.log()),
                                  message="the dashboard's address in the log")
            ports.append(int(match.group(1)))

        made = subprocess.run([NOTIFYCTL, "--socket", replicas[0].socket_path, "token", "create", "--user", "alice"],
                              capture_output=True, text=True, timeout=30)
        self.assertEqual(made.returncode, 0, made.stderr)
        token = TOKEN.search(made.stdout).group(0)

        def publish(port, message, key):
            status, headers, data = web(port, "POST", "/v1/notify", body=message.encode(),
                                        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})
            return status, json_body(data)

        status, body = publish(ports[1], "made on one, used on the other", "k0")
        self.assertEqual(status, 200, body)

        # The same key on both replicas at once: one publishes, the other
        # replays its answer or is told to retry (409) until it can.
        answers = [None, None]

        def send(i):
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                status, body = publish(ports[i], "deploy 7 done", "deploy-7")
                if status != 409:
                    answers[i] = (status, body)
                    return

        threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertTrue(answers[0] and answers[1], answers)
        self.assertEqual(answers[0][0], 200, answers)
        self.assertEqual(answers[0], answers[1])
        status, history = replicas[0].request("GET", "/v1/history?user=alice")
        self.assertEqual([e["message"] for e in history["notifications"]],
                         ["deploy 7 done", "made on one, used on the other"])

        token_id = token[3:15]
        revoked = subprocess.run([NOTIFYCTL, "--socket", replicas[1].socket_path, "token", "revoke", "--user", "alice",
                                  token_id], capture_output=True, text=True, timeout=30)
        self.assertEqual(revoked.returncode, 0, revoked.stderr)
        self.assertEqual(publish(ports[0], "after revoking", "k1"),
                         (401, {"error": "unknown or revoked API token"}))
