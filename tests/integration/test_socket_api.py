"""The unix-socket API against the real daemon: the seed's routes and errors,
identity from SO_PEERCRED, retries, crash recovery and hostile clients."""

import base64
import os
import pathlib
import pwd
import signal
import socket
import subprocess
import time
import unittest

from harness import NOTIFYCTL, DaemonTestCase, as_user, request

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def record_lines(path):
    path = pathlib.Path(path)
    return path.read_text().split("\n")[:-1] if path.exists() else []


class SeedRoutesTest(DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.photos = pathlib.Path(self.tmp) / "photos"
        self.photos.mkdir()
        os.chmod(self.photos, 0o1777)
        self.record = pathlib.Path(self.tmp) / "delivered.txt"
        self.daemon_ = self.fixture_daemon(
            f'[[plugin]]\nuse = "test_channel"\nname = "bot"\nusers = ["alice", "nobody"]\nrecord_file = "{self.record}"\n',
            socket_extra=f'photo_dirs = ["{self.photos}"]\nphoto_max_bytes = 4096\n',
        ).start()

    def test_health(self):
        self.assertEqual(self.daemon_.request("GET", "/health"), (200, {"status": "ok"}))

    def test_send_is_accepted_and_delivered(self):
        status, body = self.daemon_.request("POST", "/send", {"user": "alice", "text": "*bold*", "parse_mode": "Markdown"})
        self.assertEqual(status, 200, body)
        self.assertTrue(body["ok"])
        self.wait_for(lambda: record_lines(self.record), message="delivery")
        self.assertEqual(record_lines(self.record), [f"{body['id']} 1 alice"])

    def test_send_errors_are_json_with_the_seed_status_codes(self):
        cases = [
            ("{not json", 400),
            ('["a list"]', 400),
            ('{"text": "no user"}', 400),
            ('{"user": "alice"}', 400),
            ('{"user": 5, "text": "x"}', 400),
            ('{"user": "alice", "text": "x", "parse_mode": "rtf"}', 400),
            ('{"user": "alice", "text": "a\\u0000b"}', 400),
            ('{"user": "bob", "text": "x"}', 404),
        ]
        for body, expected in cases:
            with self.subTest(body=body):
                status, reply = self.daemon_.request("POST", "/send", body)
                self.assertEqual(status, expected, reply)
                self.assertIsInstance(reply, dict)
                self.assertIsInstance(reply.get("error"), str)
        status, reply = self.daemon_.request("GET", "/nowhere")
        self.assertEqual(status, 404)
        status, reply = self.daemon_.request("GET", "/send")
        self.assertEqual(status, 405)

    def test_send_photo_copies_the_image_at_acceptance(self):
        photo = self.photos / "chart.png"
        photo.write_bytes(PNG)
        status, body = self.daemon_.request("POST", "/send_photo", {"user": "alice", "photo_path": str(photo), "caption": "Daily"})
        self.assertEqual(status, 200, body)
        photo.unlink()
        self.wait_for(lambda: record_lines(self.record), message="photo delivery")
        status, history = self.daemon_.request("GET", "/v1/history?user=alice")
        self.assertEqual(status, 200, history)
        entry = history["notifications"][0]
        self.assertEqual(entry["id"], body["id"])
        self.assertTrue(entry["image"])
        self.assertEqual(entry["message"], "Daily")
        stored = list((self.daemon_.data_dir / "images").glob(f"{body['id']}.png"))
        self.assertEqual(len(stored), 1)
        self.assertEqual(stored[0].read_bytes(), PNG)

    def test_send_photo_refusals(self):
        outside = pathlib.Path(self.tmp) / "outside.png"
        outside.write_bytes(PNG)
        escape = self.photos / "escape.png"
        escape.symlink_to(outside)
        not_image = self.photos / "report.pdf"
        not_image.write_bytes(b"%PDF-1.7 not an image")
        too_big = self.photos / "big.png"
        too_big.write_bytes(PNG + b"\x00" * 8192)
        cases = [
            (str(outside), 403),
            (str(escape), 403),
            (str(self.photos / ".." / "outside.png"), 403),
            ("relative.png", 400),
            (str(self.photos / "missing.png"), 400),
            (str(not_image), 415),
            (str(too_big), 413),
        ]
        for path, expected in cases:
            with self.subTest(path=path):
                status, reply = self.daemon_.request("POST", "/send_photo", {"user": "alice", "photo_path": path})
                self.assertEqual(status, expected, reply)
                self.assertIn("error", reply)


class PeerCredentialsTest(DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.daemon_ = self.fixture_daemon(
            '[[plugin]]\nuse = "test_channel"\nname = "bot"\n',
            daemon_extra='admin_group = "daemon"',
        ).start()

    def send_as(self, sender, recipient):
        path = self.daemon_.socket_path
        return as_user(sender, lambda: request(path, "POST", "/send", {"user": recipient, "text": "hi"}))

    def test_an_ordinary_caller_may_send_only_to_itself(self):
        status, body = self.send_as("nobody", "nobody")
        self.assertEqual(status, 200, body)
        status, body = self.send_as("nobody", "alice")
        self.assertEqual(status, 403, body)
        self.assertIn("error", body)

    def test_admin_group_members_may_send_to_anyone(self):
        status, body = self.send_as("daemon", "alice")
        self.assertEqual(status, 200, body)

    def test_history_of_an_ordinary_caller_is_its_own(self):
        self.send_as("nobody", "nobody")
        self.daemon_.request("POST", "/send", {"user": "alice", "text": "secret"})
        path = self.daemon_.socket_path
        status, body = as_user("nobody", lambda: request(path, "GET", "/v1/history"))
        self.assertEqual(status, 200, body)
        self.assertTrue(body["notifications"])
        self.assertEqual({n["user"] for n in body["notifications"]}, {"nobody"})
        status, body = as_user("nobody", lambda: request(path, "GET", "/v1/history?user=alice"))
        self.assertEqual(status, 403, body)


class DeliveryTest(DaemonTestCase):
    def test_a_flaky_channel_gets_the_notification_exactly_once_after_n_retries(self):
        record = pathlib.Path(self.tmp) / "delivered.txt"
        daemon = self.fixture_daemon(
            f'[[plugin]]\nuse = "test_channel"\nname = "flaky"\nfail_times = 3\nrecord_file = "{record}"\n'
        ).start()
        status, body = daemon.request("POST", "/v1/notify", {"user": "alice", "title": "T", "message": "M"})
        self.assertEqual(status, 200, body)
        self.wait_for(lambda: record_lines(record), message="delivery after retries")
        time.sleep(0.5)
        self.assertEqual(record_lines(record), [f"{body['id']} 4 alice"])
        status, history = daemon.request("GET", "/v1/history?user=alice")
        entry = history["notifications"][0]
        self.assertEqual([a["outcome"] for a in entry["attempts"]], ["retry", "retry", "retry", "delivered"])
        self.assertEqual(entry["deliveries"][0]["state"], "delivered")
        self.assertEqual(entry["deliveries"][0]["attempts"], 4)

    def test_kill_9_during_a_backlog_loses_nothing(self):
        record = pathlib.Path(self.tmp) / "delivered.txt"
        slow = f'[[plugin]]\nuse = "test_channel"\nname = "bot"\ndelay = "100ms"\nrecord_file = "{record}"\n'
        daemon = self.fixture_daemon(slow, pipeline_toml="max_in_flight = 1").start()
        accepted = []
        for i in range(100):
            status, body = daemon.request("POST", "/send", {"user": "alice", "text": f"n{i}"})
            self.assertEqual(status, 200, body)
            accepted.append(body["id"])
        daemon.kill()
        before = {int(line.split()[0]) for line in record_lines(record)}
        self.assertLess(len(before), len(accepted), "the backlog was still pending at the kill")

        daemon.config_path.write_text(daemon.config_path.read_text().replace('delay = "100ms"', 'delay = "0s"'))
        daemon.start()
        self.wait_for(lambda: {int(l.split()[0]) for l in record_lines(record)} >= set(accepted), message="every accepted id")
        self.assertEqual(daemon.stop(), 0)

    def test_notifyctl_send_history_and_health(self):
        daemon = self.fixture_daemon('[[plugin]]\nuse = "test_channel"\nname = "bot"\n').start()
        env = dict(os.environ, NOTIFYD_SOCKET=daemon.socket_path)
        image = pathlib.Path(self.tmp) / "chart.png"
        image.write_bytes(PNG)
        sent = subprocess.run([NOTIFYCTL, "send", "--user", "alice", "--title", "Hello", "--image", str(image), "from the cli"],
                              capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(sent.returncode, 0, sent.stderr)
        self.assertIn("alice", sent.stdout)
        history = subprocess.run([NOTIFYCTL, "history", "--user", "alice"], capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(history.returncode, 0, history.stderr)
        self.assertIn("Hello", history.stdout)
        health = subprocess.run([NOTIFYCTL, "health"], capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(health.returncode, 0, health.stderr)
        self.assertIn("bot", health.stdout)
        refused = subprocess.run([NOTIFYCTL, "send", "--user", "bad user", "x"], capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(refused.returncode, 1, refused.stderr)
        unreachable = subprocess.run([NOTIFYCTL, "--socket", f"{self.tmp}/none.sock", "health"], capture_output=True, text=True, timeout=30)
        self.assertEqual(unreachable.returncode, 2)


class RecipientsTest(DaemonTestCase):
    """`[pipeline] recipients = "system"` (the default): only users of this machine receive."""

    def test_a_user_this_machine_lacks_is_refused_even_by_a_channel_that_reaches_everyone(self):
        daemon = self.daemon('[[plugin]]\nuse = "console"\nname = "console"\n',
                             pipeline_toml='recipients = "system"').start()
        status, body = daemon.request("POST", "/send", {"user": "no_such_unix_user", "text": "x"})
        self.assertEqual(status, 404, body)
        self.assertIn('no user "no_such_unix_user" on this machine', body["error"])
        self.assertEqual(daemon.request("POST", "/send", {"user": "root", "text": "x"})[0], 200)
        env = dict(os.environ, NOTIFYD_SOCKET=daemon.socket_path)
        refused = subprocess.run([NOTIFYCTL, "send", "--user", "no_such_unix_user", "x"],
                                 capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(refused.returncode, 1, refused.stdout)
        self.assertIn('no user "no_such_unix_user" on this machine', refused.stderr)

    def test_recipients_must_be_system_or_any(self):
        daemon = self.daemon(pipeline_toml='recipients = "everyone"')
        checked = subprocess.run([daemon.binary, "--check-config", "-c", str(daemon.config_path)],
                                 capture_output=True, text=True, timeout=30)
        self.assertNotEqual(checked.returncode, 0)
        self.assertIn('`recipients` must be "system" or "any", not "everyone"', checked.stderr + checked.stdout)


class HostileClientTest(DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.daemon_ = self.fixture_daemon(
            '[[plugin]]\nuse = "test_channel"\nname = "bot"\n',
            socket_extra='body_limit = 4096\nheader_timeout = "1s"\n',
        ).start()

    def healthy(self):
        started = time.time()
        status, _ = self.daemon_.request("GET", "/health", timeout=5)
        return status == 200 and time.time() - started < 2

    def test_an_oversized_body_gets_413(self):
        status, body = self.daemon_.request("POST", "/send", '{"user":"alice","text":"' + "x" * 10000 + '"}')
        self.assertEqual(status, 413, body)
        self.assertTrue(self.healthy())

    def test_slowloris_is_cut_off_and_others_are_served(self):
        slow = socket.socket(socket.AF_UNIX)
        slow.connect(self.daemon_.socket_path)
        slow.sendall(b"POST /send HTTP/1.1\r\nHost: x\r\n")
        started = time.time()
        closed = False
        while time.time() - started < 5:
            self.assertTrue(self.healthy())
            try:
                slow.sendall(b"X-Slow: 1\r\n")
                slow.settimeout(0.3)
                if slow.recv(4096) == b"":
                    closed = True
                    break
            except (socket.timeout, BlockingIOError):
                continue
            except OSError:
                closed = True
                break
        self.assertTrue(closed, "the slow client was not disconnected")
        self.assertLess(time.time() - started, 4)

    def test_garbage_bytes_get_400_and_do_not_disturb_others(self):
        bad = socket.socket(socket.AF_UNIX)
        bad.connect(self.daemon_.socket_path)
        bad.sendall(os.urandom(512) + b"\r\n\r\n")
        bad.settimeout(5)
        reply = b""
        try:
            while True:
                chunk = bad.recv(4096)
                if not chunk:
                    break
                reply += chunk
        except OSError:
            pass
        self.assertTrue(reply == b"" or reply.startswith(b"HTTP/1.1 400"), reply[:100])
        self.assertTrue(self.healthy())
        self.assertEqual(self.daemon_.stop(), 0)

    def test_many_idle_connections_do_not_block_requests(self):
        idle = []
        for _ in range(50):
            s = socket.socket(socket.AF_UNIX)
            s.connect(self.daemon_.socket_path)
            idle.append(s)
        self.assertTrue(self.healthy())
        for s in idle:
            s.close()


if __name__ == "__main__":
    unittest.main()
