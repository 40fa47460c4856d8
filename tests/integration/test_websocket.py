"""The desktop WebSocket channel against the real daemon, as the seed's desktop
app and web app used the old gateway: the protocol (auth and its error texts,
heartbeat, per-user limit, notification frames in the gateway's exact types,
checked by the strict ws_client), the backlog sent at once when an app
connects, replay with `since`, backpressure, the share of connections before
auth per address, health and metrics without user names, the token route,
`POST /dispatch`, and interop with an independent client (python3-websockets)."""

import base64
import calendar
import http.client
import json
import re
import socket
import subprocess
import threading
import time
import unittest
import urllib.request

from harness import NOTIFYCTL, DaemonTestCase, as_user
from harness import request as unix_request
from ws_client import SEED_TIMESTAMP, Closed, WsClient, make_token

SECRET = "integration-test-secret-of-32-bytes+"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebSocketCase(DaemonTestCase):
    def start_daemon(self, secret=True, pipeline_toml="", extra_toml="", **settings):
        self.port = free_port()
        self.secret_file = f"{self.tmp}/jwt.secret"
        with open(self.secret_file, "w") as f:
            f.write(SECRET + "\n")
        values = {
            "listen": f'"127.0.0.1:{self.port}"',
            "auth_timeout": '"1s"',
            "ping_interval": '"400ms"',
            "max_missed_pongs": "2",
            "max_connections_per_user": "2",
        }
        values.update({k: v for k, v in settings.items()})
        lines = [f"{k} = {v}" for k, v in values.items()]
        if secret:
            lines.append(f'jwt_secret_file = "{self.secret_file}"')
        toml = '[[plugin]]\nuse = "websocket"\nname = "desk"\n' + "\n".join(lines) + "\n" + extra_toml
        self.d = self.daemon(toml, pipeline_toml=pipeline_toml).start()
        self.clients = []
        return self.d

    def tearDown(self):
        for client in getattr(self, "clients", []):
            client.close()
        super().tearDown()

    def connect(self, **kwargs):
        client = WsClient(self.port, **kwargs)
        self.clients.append(client)
        return client

    def login(self, user="alice", since=None, **kwargs):
        client = self.connect(**kwargs)
        self.assertEqual(client.status, 101)
        client.auth(make_token(SECRET, user), since)
        reply = client.recv_json()
        self.assertEqual(reply["type"], "auth_ok", reply)
        self.assertEqual(reply["username"], user)
        client.auth_reply = reply
        return client

    def notify(self, user="alice", **fields):
        """Sends through the socket API; returns the id as frames carry it (a string)."""
        body = {"user": user, "message": fields.pop("message", "hello"), **fields}
        status, reply = self.d.request("POST", "/v1/notify", body)
        self.assertEqual(status, 200, reply)
        return str(reply["id"])

    def expect_notifications(self, client, count, timeout=10):
        received = []
        deadline = time.time() + timeout
        while len(received) < count:
            message = client.recv_json(max(deadline - time.time(), 0.001))
            if message["type"] == "notification":
                received.append(message)
        return received

    def get_image(self, path, token):
        """(status, body) of the app's GET of an image_url with its token."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def assert_auth_error(self, client, message, reason=None):
        """The seed's `auth_error` text, then the close; `reason` (notifyd's addition) when given."""
        reply = client.recv_json()
        self.assertEqual(reply["message"], message, reply)
        if reason is not None:
            self.assertEqual(reply.get("reason"), reason, reply)
        self.assertTrue(client.closed_by_server(3), "the server should close after auth_error")


class ProtocolTest(WebSocketCase):
    def setUp(self):
        super().setUp()
        self.start_daemon()

    def test_auth_ok_then_a_notification_from_the_socket_api_arrives(self):
        client = self.login("alice")
        plain = self.notify(title="Disk", message="90% full", source="disk")
        with_image = self.notify(title="Chart", message="see", image=base64.b64encode(PNG).decode())
        first, second = self.expect_notifications(client, 2)
        self.assertEqual(
            {k: first[k] for k in ("type", "id", "title", "message", "script", "image_url")},
            {"type": "notification", "id": plain, "title": "Disk", "message": "90% full", "script": "disk",
             "image_url": None},
        )
        self.assertRegex(first["timestamp"], SEED_TIMESTAMP)
        self.assertEqual(second["id"], with_image)
        self.assertEqual(second["image_url"], f"/api/notifications/images/{with_image}")
        # The app fetches image_url from the same address with its token; only the owner gets it.
        self.assertEqual(self.get_image(second["image_url"], make_token(SECRET, "alice")), (200, PNG))
        self.assertEqual(self.get_image(second["image_url"], make_token(SECRET, "bob"))[0], 404)
        self.assertEqual(self.get_image(second["image_url"], None)[0], 401)
        self.assertEqual(self.get_image(second["image_url"], make_token("another-secret", "alice"))[0], 401)
        self.assertEqual(self.get_image(f"/api/notifications/images/{plain}", make_token(SECRET, "alice"))[0], 404)
        self.wait_for(lambda: self.delivery_state(plain) == "delivered", message="delivered in history")

    def test_head_of_an_image_url_is_answered_like_get_without_the_body(self):
        self.login("alice")
        with_image = self.notify(title="Chart", message="see", image=base64.b64encode(PNG).decode())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("HEAD", f"/api/notifications/images/{with_image}",
                               headers={"Authorization": f"Bearer {make_token(SECRET, 'alice')}"})
            response = connection.getresponse()
            self.assertEqual(response.status, 200)
            self.assertEqual(response.headers["Content-Length"], str(len(PNG)))
            self.assertEqual(response.read(), b"")
        finally:
            connection.close()

    def test_frames_have_the_old_gateways_types(self):
        client = self.login("alice")
        sent = self.notify(title="Disk", message="90% full", source="disk")
        before = time.time()
        (raw,) = self.expect_notifications(client, 1)
        # ws_client already checked the types; the values are notifyd's.
        self.assertEqual(raw["id"], sent)
        self.assertTrue(raw["id"].isdigit())
        stamp = calendar.timegm(time.strptime(raw["timestamp"], "%Y-%m-%dT%H:%M:%SZ"))
        self.assertLess(abs(stamp - before), 30)

    def delivery_state(self, notification_id):
        status, body = self.d.request("GET", "/v1/history?user=alice&limit=50")
        for entry in body["notifications"]:
            if str(entry["id"]) == notification_id:
                for delivery in entry["deliveries"]:
                    if delivery["channel"] == "desk":
                        return delivery["state"]
        return None

    def test_every_token_fault_is_invalid_token_with_a_reason(self):
        cases = [
            (make_token(SECRET, "alice", exp=int(time.time()) - 5), "Token expired"),
            (make_token("another-secret", "alice"), "Invalid token signature"),
            (make_token(SECRET, "alice", alg="none"), "Unsupported token algorithm"),
            (make_token(SECRET, "alice", exp_in=None), "Token has no expiry"),
            ("not.a-token", "Malformed token"),
            ("x" * 5000, "Token too large"),
        ]
        for token, reason in cases:
            with self.subTest(reason=reason):
                client = self.connect()
                client.auth(token)
                self.assert_auth_error(client, "Invalid token", reason)

    def test_messages_that_are_not_an_auth_get_the_old_texts(self):
        client = self.connect()
        client.send_frame(0x1, b"{not json")
        self.assert_auth_error(client, "Invalid JSON")
        for first in ({"type": "pong"}, {"type": "auth"}, {"type": "auth", "token": ""}, {"token": "x"}, [1],
                      {"type": "auth", "token": make_token(SECRET, "alice"), "since": "yesterday"}):
            with self.subTest(first=first):
                client = self.connect()
                client.send_json(first)
                self.assert_auth_error(client, "Expected auth message with token")

    def test_auth_timeout(self):
        client = self.connect()
        started = time.time()
        self.assert_auth_error(client, "Auth timeout")
        self.assertLess(time.time() - started, 4)

    def test_per_user_connection_limit(self):
        first = self.login("alice")
        self.login("alice")
        third = self.connect()
        third.auth(make_token(SECRET, "alice"))
        self.assert_auth_error(third, "Too many connections")
        self.login("bob")  # other users are not affected
        first.close()
        self.wait_for(lambda: self.try_login("alice"), timeout=5, message="a free slot after a disconnect")

    def try_login(self, user):
        client = self.connect()
        client.auth(make_token(SECRET, user))
        return client.recv_json()["type"] == "auth_ok"

    def test_heartbeat_drops_a_client_that_never_answers(self):
        silent = self.login("alice")
        answering = self.login("bob")
        survived = []
        thread = threading.Thread(target=lambda: survived.append(not answering.closed_by_server(3, answer_pings=True)))
        thread.start()
        started = time.time()
        # The silent client answers protocol pings (so only the JSON heartbeat
        # can drop it) but never a {"type":"ping"}.
        self.assertTrue(silent.closed_by_server(5, answer_pings=False))
        self.assertGreater(time.time() - started, 0.7)
        thread.join()
        self.assertEqual(survived, [True])
        self.assertIn("heartbeats unanswered", self.d.log())

    def test_a_connection_ends_when_its_token_expires(self):
        client = self.connect()
        client.auth(make_token(SECRET, "alice", exp_in=2))
        self.assertEqual(client.recv_json()["type"], "auth_ok")
        started = time.time()
        # Heartbeats are answered: only the token's expiry can end it.
        self.assertEqual(client.recv_json(timeout=5),
                         {"type": "auth_error", "message": "Invalid token", "reason": "Token expired"})
        self.assertGreater(time.time() - started, 0.5)
        self.assertTrue(client.closed_by_server(3))
        self.assertIn("its token expired", self.d.log())

    def test_protocol_pings_are_sent_and_a_silent_peer_is_dropped(self):
        # Any frame from the app counts as a sign of life, so only a peer that
        # answers neither kind of ping is dropped, by whichever check fires first.
        client = self.login("alice", answer_protocol_pings=False)
        self.assertTrue(client.closed_by_server(5, answer_pings=False))
        self.assertGreaterEqual(client.protocol_pings, 1)
        self.wait_for(lambda: "dropped alice's desktop connection" in self.d.log(), timeout=5, message="the drop logged")

    def test_oversized_frame_closes_the_connection(self):
        client = self.login("alice")
        client.send_frame(0x1, b"x" * (70 * 1024))
        self.assertTrue(client.closed_by_server(3, answer_pings=True))

    def test_an_oversized_frame_is_logged_with_the_clients_address(self):
        client = self.login("alice")
        client.send_frame(0x1, b"x" * (70 * 1024))
        self.assertTrue(client.closed_by_server(3, answer_pings=True))
        self.wait_for(lambda: re.search(r"closed the desktop connection of alice from 127\.0\.0\.1:\d+: "
                                        r"a message was larger than", self.d.log()), message="the log line")
        self.assertNotIn("unknown address", self.d.log())

    def test_a_plain_http_request_is_refused(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            reply = s.recv(4096)
        self.assertTrue(reply.startswith(b"HTTP/1.1 426"), reply)

    def test_replay_with_since_after_a_disconnect(self):
        client = self.login("alice")
        seen = self.notify(message="before")
        self.assertEqual(self.expect_notifications(client, 1)[0]["id"], seen)
        client.close()
        missed = [self.notify(message=f"missed {i}") for i in range(3)]

        # `since` as a number, as notifyd documented it, or as the frame's id string.
        again = self.login("alice", since=int(seen))
        self.assertEqual(again.auth_reply["replayed"], 3)
        self.assertFalse(again.auth_reply["replay_truncated"])
        replayed = self.expect_notifications(again, 3)
        self.assertEqual([m["id"] for m in replayed], missed)
        self.assertEqual(replayed[0]["message"], "missed 0")
        live = self.notify(message="live")
        self.assertEqual(self.expect_notifications(again, 1)[0]["id"], live)
        # The outbox's retries of the missed ones reach this connection too:
        # they are recognised as replayed, not sent twice.
        with self.assertRaises((socket.timeout, TimeoutError)):
            extra = self.expect_notifications(again, 1, timeout=1.5)
            self.fail(f"duplicate: {extra}")

    def test_replay_seam_has_no_gap_and_no_duplicate(self):
        client = self.login("alice")
        since = self.notify(message="seen")
        self.expect_notifications(client, 1)
        client.close()
        sent = []
        stop = threading.Event()

        def sender():
            while not stop.is_set() and len(sent) < 60:
                sent.append(self.notify(message="burst"))
                time.sleep(0.005)

        thread = threading.Thread(target=sender)
        thread.start()
        time.sleep(0.1)
        again = self.login("alice", since=since)  # the frame's id, a string
        ids = []
        deadline = time.time() + 20
        while (thread.is_alive() or not set(sent) <= set(ids)) and time.time() < deadline:
            try:
                message = again.recv_json(0.2)
            except (socket.timeout, TimeoutError):
                continue
            if message["type"] == "notification":
                ids.append(message["id"])
        thread.join()
        self.assertEqual(sorted(ids, key=int), sent)
        self.assertEqual(len(set(ids)), len(ids))
        with self.assertRaises((socket.timeout, TimeoutError)):
            self.expect_notifications(again, 1, timeout=1)

    def test_reaches_only_users_with_a_desktop_token(self):
        status, body = self.d.request("POST", "/v1/notify", {"user": "carol", "message": "x"})
        self.assertEqual(status, 404, body)
        status, body = self.d.request("POST", "/api/desktop/token", {"user": "carol"})
        self.assertEqual(status, 200, body)
        # Carol holds a token now: a notification waits for her app.
        waiting = self.notify("carol", message="for later")
        client = self.connect()
        client.auth(body["token"], since=0)
        self.assertEqual(client.recv_json()["type"], "auth_ok")
        self.assertEqual(self.expect_notifications(client, 1)[0]["id"], waiting)

    def test_token_route(self):
        status, body = self.d.request("POST", "/api/desktop/token")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["user"], "root")
        self.assertEqual(body["url"], f"ws://127.0.0.1:{self.port}/")
        self.assertRegex(body["expires_at"], ISO)
        client = self.connect()
        client.auth(body["token"])
        self.assertEqual(client.recv_json(), {"type": "auth_ok", "username": "root"})

        def ask_for_root():
            from harness import request

            return list(request(self.d.socket_path, "POST", "/api/desktop/token", {"user": "root"}))

        status, body = as_user("nobody", ask_for_root)
        self.assertEqual(status, 403, body)
        status, body = self.d.request("POST", "/api/desktop/token", "[1]")
        self.assertEqual(status, 400)
        self.assertEqual(self.d.request("GET", "/api/desktop/status"), (200, {"configured": True}))

    def test_notifyctl_desktop_token(self):
        result = subprocess.run([NOTIFYCTL, "--socket", self.d.socket_path, "desktop-token", "--user", "alice"],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        token = re.search(r"Token:\s+(\S+)", result.stdout).group(1)
        self.assertIn(f"ws://127.0.0.1:{self.port}/", result.stdout)
        client = self.connect()
        client.auth(token)
        self.assertEqual(client.recv_json(), {"type": "auth_ok", "username": "alice"})

    def test_shutdown_closes_connections_cleanly(self):
        client = self.login("alice")
        self.login("bob")
        self.connect()  # not authenticated yet
        self.assertEqual(self.d.stop(), 0, self.d.log())
        self.assertTrue(client.closed_by_server(5, answer_pings=True))
        self.assertNotIn("Sanitizer", self.d.log())
        self.assertIn("closing 3 desktop connection(s)", self.d.log())

    def test_python_websockets_client_interoperates(self):
        try:
            import asyncio

            import websockets
        except ImportError:
            self.skipTest("python3-websockets is not installed")
        url = f"ws://127.0.0.1:{self.port}/"
        messages = []

        async def run():
            async with websockets.connect(url) as ws:
                await ws.send(json.dumps({"type": "auth", "token": make_token(SECRET, "dave")}))
                messages.append(json.loads(await ws.recv()))
                await asyncio.get_running_loop().run_in_executor(None, lambda: self.notify("dave", title="t"))
                while True:
                    message = json.loads(await asyncio.wait_for(ws.recv(), 10))
                    if message["type"] == "ping":
                        await ws.send(json.dumps({"type": "pong"}))
                        continue
                    messages.append(message)
                    return

        asyncio.run(run())
        self.assertEqual(messages[0], {"type": "auth_ok", "username": "dave"})
        self.assertEqual(messages[1]["type"], "notification")
        self.assertEqual(messages[1]["title"], "t")


class BackpressureTest(WebSocketCase):
    def test_a_client_that_does_not_read_is_cut_off_while_others_keep_receiving(self):
        self.start_daemon(ping_interval='"60s"', send_queue_limit="8", send_queue_bytes="1048576",
                          max_connections_per_user="3")
        reader = self.login("alice")
        stalled = self.login("alice", rcvbuf=4096)
        other = self.login("bob")
        count = 150
        body = "x" * 60000
        received = []
        done = threading.Event()

        def read_all():
            try:
                received.extend(self.expect_notifications(reader, count, timeout=60))
            finally:
                done.set()

        thread = threading.Thread(target=read_all)
        thread.start()
        ids = [self.notify(message=body) for _ in range(count)]
        bob_id = self.notify("bob", message="still here")
        thread.join(70)
        self.assertEqual([m["id"] for m in received], ids)
        self.assertEqual(self.expect_notifications(other, 1)[0]["id"], bob_id)
        self.wait_for(lambda: "it is not reading" in self.d.log(), message="the overflow log line")
        self.assertTrue(stalled.closed_by_server(10))

    def test_a_client_that_does_not_read_gets_a_close_frame_before_it_is_cut_off(self):
        self.start_daemon(ping_interval='"60s"', send_queue_limit="8", send_queue_bytes="1048576")
        stalled = self.login("alice", rcvbuf=4096)
        body = "x" * 60000
        for i in range(400):  # more than the kernel's buffers and the send queue hold
            self.notify(message=body)
            if i % 10 == 9 and "it is not reading" in self.d.log():
                break
        self.wait_for(lambda: "it is not reading" in self.d.log(), message="the overflow log line")
        # It reads again: what was written, then the close frame (1008, policy), then the end.
        self.assertTrue(stalled.closed_by_server(10))
        self.assertEqual(stalled.close_code, 1008)

    def test_live_notifications_wait_behind_a_replay_larger_than_the_send_queue(self):
        # Heartbeats come often too: none is sent while the replay is being written.
        self.start_daemon(ping_interval='"300ms"', max_missed_pongs="100", send_queue_limit="8",
                          send_queue_bytes="1048576")
        first = self.login("alice")
        since = self.notify(message="seen")
        self.expect_notifications(first, 1)
        first.close()
        missed = [self.notify(message="x" * 60000) for _ in range(100)]
        # More than the kernel buffers hold: the replay is still being written
        # while the live ones arrive, and they are held behind it.
        again = self.login("alice", since=since, rcvbuf=4096)
        live = [self.notify(message=f"live {i}") for i in range(5)]
        received = self.expect_notifications(again, len(missed) + len(live), timeout=60)
        self.assertEqual([m["id"] for m in received], missed + live)
        self.assertNotIn("not reading", self.d.log())
        self.assertNotIn("during its replay", self.d.log())

    def test_a_retry_of_what_the_app_already_has_is_not_sent_again(self):
        # The outbox's first retry comes 1 to 2 s after the first attempt.
        self.start_daemon(ping_interval='"60s"', pipeline_toml='retry_initial = "2s"\nretry_max = "2s"')
        self.login("alice").close()
        time.sleep(0.2)
        # Sent while no app is connected: the outbox will retry it.
        missed = self.notify(message="missed")
        replayed = self.login("alice", since=int(missed) - 1)
        self.assertEqual(self.expect_notifications(replayed, 1)[0]["id"], missed)
        replayed.close()
        # The next connection says it has it; the outbox's retry must not bring it again.
        later = self.login("alice", since=missed)
        self.assertEqual(later.auth_reply["replayed"], 0)
        with self.assertRaises((socket.timeout, TimeoutError)):
            extra = self.expect_notifications(later, 1, timeout=3)
            self.fail(f"duplicate: {extra}")


class OfflineBacklogTest(WebSocketCase):
    def setUp(self):
        super().setUp()
        # Retries far apart, as after minutes offline: only the app's connect can bring them now.
        self.start_daemon(ping_interval='"30s"', pipeline_toml='retry_initial = "10m"\nretry_max = "10m"')
        status, body = self.d.request("POST", "/api/desktop/token", {"user": "alice"})
        self.assertEqual(status, 200, body)
        self.token = body["token"]

    def desk_health(self):
        status, body = self.d.request("GET", "/v1/health")
        self.assertEqual(status, 200, body)
        return next(channel for channel in body["channels"] if channel["channel"] == "desk")

    def queue_while_offline(self, count):
        ids = [self.notify(title=f"n{i}", message=f"missed {i}") for i in range(count)]
        # alice's lane: the oldest waits for its retry, the others queue behind it in order.
        self.wait_for(lambda: (h := self.desk_health())["retrying"] == 1 and h["pending"] == count, timeout=30,
                      message=f"{count} deliveries held back by a retry")
        return ids

    def connect_app(self, since=None):
        client = self.connect()
        client.auth(self.token, since)
        self.assertEqual(client.recv_json()["type"], "auth_ok")
        return client

    def test_an_app_connecting_without_since_gets_the_backlog_at_once_oldest_first(self):
        ids = self.queue_while_offline(10)
        started = time.time()
        client = self.connect_app()
        received = self.expect_notifications(client, 10, timeout=15)
        self.assertEqual([m["id"] for m in received], ids)
        self.assertEqual([m["message"] for m in received], [f"missed {i}" for i in range(10)])
        self.assertLess(time.time() - started, 15)
        self.wait_for(lambda: self.desk_health()["pending"] == 0, timeout=10, message="nothing pending")
        with self.assertRaises((socket.timeout, TimeoutError)):
            extra = self.expect_notifications(client, 1, timeout=1)
            self.fail(f"sent twice: {extra}")

    def test_an_app_connecting_with_since_gets_the_backlog_once(self):
        ids = self.queue_while_offline(5)
        client = self.connect_app(since=0)
        received = self.expect_notifications(client, 5, timeout=15)
        self.assertEqual([m["id"] for m in received], ids)
        # The outbox's deliveries were recognised as replayed and count as delivered.
        self.wait_for(lambda: self.desk_health()["pending"] == 0, timeout=10, message="nothing pending")
        with self.assertRaises((socket.timeout, TimeoutError)):
            extra = self.expect_notifications(client, 1, timeout=1)
            self.fail(f"sent twice: {extra}")

    def test_a_replay_the_app_read_is_recorded_as_delivered_after_the_app_left(self):
        ids = self.queue_while_offline(5)
        client = self.connect_app(since=0)
        self.assertEqual([m["id"] for m in self.expect_notifications(client, 5, timeout=15)], ids)
        client.close()
        self.wait_for(lambda: self.desk_health()["pending"] == 0, timeout=15, message="nothing pending")

        def desk_states():
            status, body = self.d.request("GET", "/v1/history?user=alice&limit=50")
            self.assertEqual(status, 200, body)
            states = {str(entry["id"]): [d["state"] for d in entry["deliveries"] if d["channel"] == "desk"]
                      for entry in body["notifications"]}
            return [states[i] for i in ids]

        # The outbox hands the results to the store's writer, which commits them a batch later.
        self.wait_for(lambda: desk_states() == [["delivered"]] * 5, timeout=15, message="recorded delivered")
        self.assertEqual(self.desk_health()["retrying"], 0)

    def test_another_users_app_does_not_bring_the_backlog(self):
        self.queue_while_offline(3)
        bob = self.login("bob")
        with self.assertRaises((socket.timeout, TimeoutError)):
            extra = self.expect_notifications(bob, 1, timeout=1)
            self.fail(f"alice's notification reached bob: {extra}")
        health = self.desk_health()
        self.assertEqual((health["retrying"], health["pending"]), (1, 3))


class ConnectionsBeforeAuthTest(WebSocketCase):
    def test_idle_connections_from_one_address_cannot_keep_an_app_out(self):
        # Idle connections never send an auth message within this test.
        metrics_port = free_port()
        self.start_daemon(auth_timeout='"60s"', ping_interval='"30s"', max_connections="12",
                          max_unauthenticated_per_address="4",
                          extra_toml=f'[[plugin]]\nuse = "metrics"\nlisten = "127.0.0.1:{metrics_port}"\n')
        idle = [self.connect() for _ in range(4)]
        for client in idle:
            self.assertEqual(client.status, 101)
        # Another loopback source address is the same local peer.
        more = socket.create_connection(("127.0.0.1", self.port), timeout=5, source_address=("127.0.0.2", 0))
        self.addCleanup(more.close)
        self.assertTrue(idle[0].closed_by_server(5), "the oldest idle connection makes room")
        flood = [self.connect() for _ in range(20)]
        self.assertTrue(flood[-5].closed_by_server(5))
        # The listener (12 connections) still takes an app, which authenticates.
        app = self.login("alice")
        sent = self.notify(message="still reachable")
        self.assertEqual(self.expect_notifications(app, 1)[0]["id"], sent)
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5) as response:
            metrics = response.read().decode()
        evicted = re.search(r'notifyd_websocket_disconnects_total'
                            r'\{instance="desk",reason="unauthenticated_per_address"\} (\d+)', metrics)
        self.assertIsNotNone(evicted, metrics)
        # idle[0..3], the other source address, flood[0..15], and flood[16] for the app's own connection.
        self.assertEqual(int(evicted.group(1)), 22)


class DispatchTest(WebSocketCase):
    """The old web app and runner POSTed {"user", "notification"} to the gateway's unix socket."""

    def setUp(self):
        super().setUp()
        self.gateway = f"{self.tmp}/gateway.sock"
        # The old gateway's socket path, served by a second socket front-end as the upgrade guide says.
        self.start_daemon(ping_interval='"30s"',
                          extra_toml=f'[[plugin]]\nuse = "socket"\nname = "gateway"\npath = "{self.gateway}"\n'
                                     f'mode = "0666"\n')

    def dispatch(self, body):
        return unix_request(self.gateway, "POST", "/dispatch", body)

    def history(self, user):
        status, body = self.d.request("GET", f"/v1/history?user={user}&limit=50")
        self.assertEqual(status, 200, body)
        return body["notifications"]

    def test_dispatch_reaches_every_app_of_the_user_and_is_kept_in_history(self):
        first, second = self.login("alice"), self.login("alice")
        status, body = self.dispatch({"user": "alice", "notification": {
            "title": "Revenue", "message": "down 5%", "script": "revenue_drop", "image_url": None}})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["sent"], 2)
        for client in (first, second):
            (frame,) = self.expect_notifications(client, 1)
            self.assertEqual((frame["id"], frame["title"], frame["message"], frame["script"]),
                             (body["id"], "Revenue", "down 5%", "revenue_drop"))
        (stored,) = [n for n in self.history("alice") if str(n["id"]) == body["id"]]
        self.assertEqual(stored["message"], "down 5%")

    def test_dispatch_to_an_offline_app_answers_0_and_the_app_gets_it_when_it_connects(self):
        self.login("alice").close()  # alice uses the desktop app
        self.wait_for(lambda: self.desk_users() == 0, timeout=5, message="alice offline")
        status, body = self.dispatch({"user": "alice", "notification": {"message": "while away"}})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["sent"], 0)
        client = self.login("alice")
        (frame,) = self.expect_notifications(client, 1)
        self.assertEqual((frame["id"], frame["message"], frame["script"]), (body["id"], "while away", "dispatch"))

    def desk_users(self):
        status, body = self.d.request("GET", "/v1/health")
        return next(channel for channel in body["channels"] if channel["channel"] == "desk")["figures"]["users"]

    def test_roots_dispatch_carries_its_image_and_a_missing_one_leaves_the_text(self):
        client = self.login("alice")
        chart = f"{self.tmp}/chart.png"
        with open(chart, "wb") as f:
            f.write(PNG)
        status, body = self.dispatch({"user": "alice", "notification": {"title": "Chart", "message": "see",
                                                                        "image_path": chart}})
        self.assertEqual(status, 200, body)
        self.assertNotIn("warning", body)
        (frame,) = self.expect_notifications(client, 1)
        self.assertEqual(frame["image_url"], f"/api/notifications/images/{body['id']}")
        self.assertEqual(self.get_image(frame["image_url"], make_token(SECRET, "alice")), (200, PNG))

        status, body = self.dispatch({"user": "alice", "notification": {"message": "no chart today",
                                                                        "image_path": f"{self.tmp}/gone.png"}})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["warning"], "image_path: the image file cannot be opened; the text went alone")
        (frame,) = self.expect_notifications(client, 1)
        self.assertEqual((frame["message"], frame["image_url"]), ("no chart today", None))

        status, body = self.dispatch({"user": "alice", "notification": {"image_path": f"{self.tmp}/gone.png"}})
        self.assertEqual((status, body), (400, {"error": "image_path: the image file cannot be opened"}))

    def test_dispatch_to_a_user_without_the_desktop_app_answers_sent_0(self):
        status, body = self.dispatch({"user": "carol", "notification": {"message": "x"}})
        self.assertEqual((status, body), (200, {"sent": 0}))
        self.assertEqual(self.history("carol"), [])

    def test_bad_dispatch_bodies_are_400_with_the_reason(self):
        for body, error in (("{nope", "invalid JSON"),
                            ({"notification": {"message": "x"}}, "missing field: user"),
                            ({"user": "alice"}, "missing field: notification"),
                            ({"user": "alice", "notification": {"message": 1}},
                             "invalid field: notification.message must be a string"),
                            ({"user": "alice", "notification": {}},
                             "the notification needs a title, a message or an image_path")):
            with self.subTest(body=body):
                self.assertEqual(self.dispatch(body), (400, {"error": error}))

    def test_only_root_and_the_admin_group_may_dispatch(self):
        gateway = self.gateway

        def as_nobody():
            body = {"user": "nobody", "notification": {"message": "x"}}
            return list(unix_request(gateway, "POST", "/dispatch", body))

        status, body = as_user("nobody", as_nobody)
        self.assertEqual(status, 403, body)
        self.assertEqual(self.history("nobody"), [])


class HealthTest(WebSocketCase):
    def test_health_and_metrics_count_connections_without_naming_users(self):
        metrics_port = free_port()
        # Long timers: the clients below read nothing, so they answer no ping.
        self.start_daemon(ping_interval='"30s"', auth_timeout='"30s"',
                          extra_toml=f'[[plugin]]\nuse = "metrics"\nlisten = "127.0.0.1:{metrics_port}"\n')
        self.login("alice")
        self.login("alice")
        self.login("bob")
        self.connect()  # upgraded, not authenticated yet

        def desk():
            status, body = self.d.request("GET", "/v1/health")
            self.assertEqual(status, 200, body)
            return next(channel for channel in body["channels"] if channel["channel"] == "desk")

        self.wait_for(lambda: desk()["figures"]["connections"] == 4, timeout=5, message="4 open connections in health")
        self.assertEqual(desk()["figures"]["users"], 2)
        result = subprocess.run([NOTIFYCTL, "--socket", self.d.socket_path, "health"],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("desk: connections 4, users 2, frames_sent ", result.stdout)
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5) as response:
            metrics = response.read().decode()
        self.assertIn('notifyd_websocket_connections{instance="desk"} 4', metrics)
        self.assertIn('notifyd_websocket_users{instance="desk"} 2', metrics)
        self.assertNotIn("user_connections", metrics)
        self.assertNotIn("alice", metrics)
        self.assertNotIn("bob", metrics)
        self.assertEqual(desk()["state"], "ok")


class OriginTest(WebSocketCase):
    def test_origin_allowlist(self):
        self.start_daemon(allowed_origins='["https://desk.example"]')
        self.assertEqual(self.connect(origin="https://evil.example").status, 403)
        self.assertEqual(self.connect(origin="https://desk.example").status, 101)
        # The desktop app, like any client that is not a browser, sends no Origin.
        self.assertEqual(self.connect().status, 101)


class TlsTest(WebSocketCase):
    def test_wss_with_a_certificate(self):
        cert, key = f"{self.tmp}/cert.pem", f"{self.tmp}/key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "1", "-subj", "/CN=localhost"], check=True, capture_output=True)
        self.start_daemon(tls_cert=f'"{cert}"', tls_key=f'"{key}"')
        client = self.connect(tls=True)
        self.assertEqual(client.status, 101)
        client.auth(make_token(SECRET, "alice"))
        self.assertEqual(client.recv_json(), {"type": "auth_ok", "username": "alice"})
        sent = self.notify(message="over TLS")
        self.assertEqual(self.expect_notifications(client, 1)[0]["id"], sent)
        status, body = self.d.request("POST", "/api/desktop/token")
        self.assertTrue(body["url"].startswith("wss://"), body)
        # A plain-text client gets nowhere.
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n")
            self.assertNotIn(b"101", s.recv(4096))


class WithoutSecretTest(WebSocketCase):
    def test_without_a_secret_the_channel_is_off(self):
        self.start_daemon(secret=False)
        self.assertIn("desktop push is off", self.d.log())
        status, body = self.d.request("POST", "/v1/notify", {"user": "alice", "message": "x"})
        self.assertEqual(status, 404, body)
        status, body = self.d.request("POST", "/api/desktop/token")
        self.assertEqual(status, 503, body)
        self.assertEqual(self.d.request("GET", "/api/desktop/status"), (200, {"configured": False}))
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
        status, body = self.d.request("GET", "/v1/health")
        desk = next(channel for channel in body["channels"] if channel["channel"] == "desk")
        self.assertEqual((desk["state"], desk["last_error"]), ("off", "desktop push is off (no jwt_secret)"))
        result = subprocess.run([NOTIFYCTL, "--socket", self.d.socket_path, "health"],
                                capture_output=True, text=True, timeout=30)
        self.assertIn("desk: off: desktop push is off (no jwt_secret)", result.stdout)

    def test_a_short_secret_is_warned_about(self):
        with open(f"{self.tmp}/short.secret", "w") as f:
            f.write("tiny-key\n")
        self.start_daemon(secret=False, jwt_secret_file=f'"{self.tmp}/short.secret"')
        self.assertIn("jwt_secret is shorter than 32 bytes", self.d.log())
        client = self.connect()
        client.auth(make_token("tiny-key", "alice"))
        self.assertEqual(client.recv_json()["type"], "auth_ok")


if __name__ == "__main__":
    unittest.main()
