"""The unix-socket API on a server shared by many Unix users, with real
users: /send_photo reads what the caller itself can read and answers
"missing" and "not yours to read" alike; one user holding 1,000 connections
cannot make another user's /send fail; six slow readers of a huge history
keep the daemon's memory bounded. Also the seed's status codes and bodies."""

import json
import os
import pathlib
import pwd
import resource
import secrets
import shutil
import socket
import subprocess
import time
import unittest

from harness import DaemonTestCase, UnixUsers, as_user, request

HAVE_ROOT = os.geteuid() == 0 and shutil.which("useradd") and shutil.which("groupadd")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def status_field(path, field):
    """A `kB` figure from /proc/<pid>/status, in bytes."""
    for line in pathlib.Path(path).read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"{field} not in {path}")


@unittest.skipUnless(HAVE_ROOT, "needs root and useradd/groupadd: the test creates Unix users")
class SharedServerTest(DaemonTestCase):
    @classmethod
    def setUpClass(cls):
        suffix = secrets.token_hex(3)
        cls.accounts = UnixUsers()
        cls.admins = cls.accounts.add_group(f"nd_admins_{suffix}")
        cls.alice = cls.accounts.add_user(f"nd_alice_{suffix}")
        cls.bob = cls.accounts.add_user(f"nd_bob_{suffix}")
        cls.carol = cls.accounts.add_user(f"nd_carol_{suffix}", groups=[cls.admins])

    @classmethod
    def tearDownClass(cls):
        cls.accounts.remove()

    def start_daemon(self, socket_extra="", env=None):
        users = json.dumps([self.alice, self.bob, self.carol, "root"])
        return self.fixture_daemon(
            f'[[plugin]]\nuse = "test_channel"\nname = "bot"\nusers = {users}\n',
            daemon_extra=f'admin_group = "{self.admins}"', socket_extra=socket_extra, env=env).start()

    def home(self, user):
        return pathlib.Path(pwd.getpwnam(user).pw_dir)

    def owned_file(self, user, relative, content, mode):
        path = self.home(user) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        entry = pwd.getpwnam(user)
        for item in (path.parent, path):
            os.chown(item, entry.pw_uid, entry.pw_gid)
        os.chmod(path, mode)
        return path

    def send_photo_as(self, daemon, caller, user, photo_path):
        socket_path = daemon.socket_path
        return as_user(caller, lambda: request(socket_path, "POST", "/send_photo",
                                               {"user": user, "photo_path": str(photo_path), "caption": "chart"}))

    # --- photos ---------------------------------------------------------------------

    def test_a_chart_in_the_callers_home_is_sent_and_others_private_files_are_not_an_oracle(self):
        daemon = self.start_daemon()
        os.chmod(self.home(self.alice), 0o750)
        os.chmod(self.home(self.bob), 0o755)
        chart = self.owned_file(self.alice, "charts/x.png", PNG, 0o644)
        private = self.owned_file(self.bob, "private/secret.png", PNG, 0o600)
        os.chmod(private.parent, 0o755)
        shared = self.owned_file(self.bob, "shared.png", PNG, 0o644)
        link = self.home(self.alice) / "charts" / "bobs-secret.png"
        link.symlink_to(private)

        status, body = self.send_photo_as(daemon, self.alice, self.alice, chart)
        self.assertEqual(status, 200, body)
        self.assertTrue(body["ok"])
        # Another user's world-readable file: alice can read it, so may send it to herself.
        self.assertEqual(self.send_photo_as(daemon, self.alice, self.alice, shared)[0], 200)

        missing = self.home(self.bob) / "private" / "nothing.png"
        answers = {}
        for name, path in (("unreadable", private), ("missing", missing), ("symlink to unreadable", link),
                           ("missing directory", pathlib.Path("/nonexistent-nd") / "x.png")):
            status, body = self.send_photo_as(daemon, self.alice, self.alice, path)
            answers[name] = (status, body["error"].replace(str(path), "<path>"))
        self.assertEqual(set(answers.values()), {(400, "photo not found or not readable: <path>")}, answers)

        # bob cannot read alice's chart (her home is 0750): the same answer.
        status, body = self.send_photo_as(daemon, self.bob, self.bob, chart)
        self.assertEqual((status, body["error"]), (400, f"photo not found or not readable: {chart}"))

        # An admin sends for others what the admin can read; not what only the owner can.
        self.assertEqual(self.send_photo_as(daemon, self.carol, self.bob, shared)[0], 200)
        self.assertEqual(self.send_photo_as(daemon, self.carol, self.bob, private)[0], 400)
        # root reads everything.
        self.assertEqual(daemon.request("POST", "/send_photo", {"user": self.bob, "photo_path": str(private)})[0], 200)
        self.assertEqual(daemon.stop(), 0)

    def test_photo_dirs_narrows_what_may_be_sent(self):
        photos = pathlib.Path(self.tmp) / "photos"
        photos.mkdir()
        os.chmod(photos, 0o1777)
        daemon = self.start_daemon(socket_extra=f'photo_dirs = ["{photos}"]')
        inside = photos / "ok.png"
        inside.write_bytes(PNG)
        os.chmod(inside, 0o644)
        chart = self.owned_file(self.alice, "charts/y.png", PNG, 0o644)
        self.assertEqual(self.send_photo_as(daemon, self.alice, self.alice, inside)[0], 200)
        status, body = self.send_photo_as(daemon, self.alice, self.alice, chart)
        self.assertEqual(status, 403, body)
        # Outside photo_dirs and unreadable: the caller learns nothing more than for a missing file.
        private = self.owned_file(self.bob, "p.png", PNG, 0o600)
        self.assertEqual(self.send_photo_as(daemon, self.alice, self.alice, private)[0], 400)
        self.assertEqual(daemon.stop(), 0)

    # --- fair share -------------------------------------------------------------------

    def test_a_user_holding_a_thousand_connections_cannot_make_anothers_send_fail(self):
        # Long timeouts: bob's connections stay open for the whole test, however slow the machine.
        daemon = self.start_daemon(socket_extra='header_timeout = "300s"\nidle_timeout = "300s"')
        socket_path = daemon.socket_path
        read_fd, write_fd = os.pipe()
        release_read, release_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # bob, holding as many connections as he can get, reconnecting when one closes
            try:
                os.close(read_fd)
                os.close(release_write)
                resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
                entry = pwd.getpwnam(self.bob)
                os.initgroups(self.bob, entry.pw_gid)
                os.setgid(entry.pw_gid)
                os.setuid(entry.pw_uid)
                held = []
                for _ in range(1000):
                    s = socket.socket(socket.AF_UNIX)
                    s.connect(socket_path)
                    held.append(s)
                os.write(write_fd, b"ready")
                os.read(release_read, 1)
            finally:
                os._exit(0)
        os.close(write_fd)
        os.close(release_read)
        try:
            self.assertEqual(os.read(read_fd, 5), b"ready")
            for caller, user in ((self.alice, self.alice), (self.carol, self.alice)):
                for _ in range(5):
                    status, body = as_user(caller, lambda: request(socket_path, "POST", "/send",
                                                                   {"user": user, "text": "still served"}))
                    self.assertEqual(status, 200, body)
            self.assertEqual(daemon.request("POST", "/send", {"user": "root", "text": "root too"})[0], 200)
            # bob himself is over his share: a new connection of his is answered 503 and closed.
            def first_answer():
                s = socket.socket(socket.AF_UNIX)
                s.settimeout(30)
                s.connect(socket_path)
                answer = b""
                while chunk := s.recv(4096):
                    answer += chunk
                s.close()
                return answer.decode()
            answer = as_user(self.bob, first_answer)
            self.assertTrue(answer.startswith("HTTP/1.1 503"), answer)
            self.assertTrue(answer.endswith('{"error":"too many connections"}'), answer)
            self.assertIn("max_connections_per_user", daemon.log())
        finally:
            os.write(release_write, b"x")
            os.close(release_write)
            os.close(read_fd)
            os.waitpid(pid, 0)
        self.wait_for(lambda: as_user(self.bob, lambda: request(socket_path, "GET", "/health"))[0] == 200,
                      message="bob served again once he let go")
        self.assertEqual(daemon.stop(), 0)

    # --- bounded answers ----------------------------------------------------------------

    def test_six_slow_readers_of_a_huge_history_keep_memory_bounded(self):
        # A small ASan quarantine, so that freed memory is not counted as held (no effect on a release build).
        asan = os.environ.get("ASAN_OPTIONS", "")
        daemon = self.start_daemon(env={"ASAN_OPTIONS": f"{asan}:quarantine_size_mb=16" if asan else "quarantine_size_mb=16"})
        message = "x" * (100 * 1024)
        for i in range(500):
            status, body = daemon.request("POST", "/v1/notify", {"user": self.alice, "title": f"n{i}", "message": message},
                                          timeout=30)
            self.assertEqual(status, 200, body)
        status_path = f"/proc/{daemon.process.pid}/status"
        baseline = status_field(status_path, "VmRSS")
        pathlib.Path(f"/proc/{daemon.process.pid}/clear_refs").write_text("5")  # VmHWM := VmRSS

        readers = []
        for _ in range(6):
            s = socket.socket(socket.AF_UNIX)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect(daemon.socket_path)
            s.sendall(f"GET /v1/history?user={self.alice}&limit=500 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            readers.append(s)
        for s in readers:  # each answer has begun: the daemon built it and is writing it
            s.settimeout(30)
            self.assertTrue(s.recv(1).startswith(b"H"))
        self.assertEqual(daemon.request("GET", "/health")[0], 200)
        peak = status_field(status_path, "VmHWM")
        bound = 64 * 1024 * 1024
        self.assertLess(peak - baseline, bound, f"VmHWM grew by {(peak - baseline) >> 20} MiB with six slow readers")

        # Reading the whole history page by page: every entry once, each page within its byte budget.
        seen, before = [], None
        while True:
            target = f"/v1/history?user={self.alice}&limit=500" + (f"&before={before}" if before else "")
            status, page = daemon.request("GET", target, timeout=30)
            self.assertEqual(status, 200)
            self.assertLessEqual(len(json.dumps(page, separators=(",", ":"))), 1024 * 1024 + 4096)
            seen += [n["id"] for n in page["notifications"]]
            before = page["next_before"]
            if before is None:
                break
        self.assertEqual(len(seen), 500)
        self.assertEqual(len(set(seen)), 500)
        for s in readers:
            s.close()
        self.assertEqual(daemon.stop(), 0)

    # --- the seed's answers -----------------------------------------------------------------

    def test_the_seed_routes_answer_with_the_seed_status_codes_and_fields(self):
        daemon = self.start_daemon()
        status, body = daemon.request("POST", "/send", {"user": self.alice, "text": "hi"})
        self.assertEqual(status, 200)
        self.assertIs(body["ok"], True)
        self.assertEqual(daemon.request("GET", "/health"), (200, {"status": "ok"}))
        status, body = daemon.request("POST", "/send_photo", {"user": self.alice, "photo_path": "/nonexistent-nd/x.png"})
        self.assertEqual(status, 400)
        self.assertEqual(set(body), {"error"})
        self.assertEqual(daemon.request("POST", "/send", {"user": "nobody-linked", "text": "x"})[0], 404)
        self.assertEqual(daemon.request("POST", "/send", "{bad json")[0], 400)
        self.assertEqual(daemon.stop(), 0)


class PagedListsTest(DaemonTestCase):
    def test_check_runs_page_with_next_before(self):
        daemon = self.fixture_daemon('[[plugin]]\nuse = "test_channel"\nname = "bot"\n\n'
                                     '[[check]]\nname = "probe"\nuse = "native_probe"\nnotify = ["alice"]\nmode = "fail"\n'
                                     ).start()
        for _ in range(5):
            status, body = daemon.request("POST", "/v1/checks/probe/run?user=alice", "")
            self.assertEqual(status, 200, body)
        seen, before = [], None
        while True:
            status, page = daemon.request("GET", "/v1/checks/probe/runs?user=alice&limit=2" +
                                          (f"&before={before}" if before else ""))
            self.assertEqual(status, 200, page)
            self.assertLessEqual(len(page["runs"]), 2)
            seen += [run["id"] for run in page["runs"]]
            before = page["next_before"]
            if before is None:
                break
            self.assertEqual(before, seen[-1])
        self.assertEqual(len(seen), 5)
        self.assertEqual(seen, sorted(set(seen), reverse=True))
        self.assertEqual(daemon.request("GET", "/v1/checks/probe/runs?user=alice&before=x")[0], 400)
        self.assertEqual(daemon.stop(), 0)


if __name__ == "__main__":
    unittest.main()
