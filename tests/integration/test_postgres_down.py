"""PostgreSQL down under a replica: sends are answered 503 within 5 s and
never hang, a check's result waits and goes out once the database is back,
nothing answered 200 is lost, and the replica recovers on its own. The
database is a cluster of this test's own (tests/support/postgres.sh), so the
suite's shared one keeps running."""

import os
import pathlib
import pwd
import secrets
import signal
import subprocess
import sys
import threading
import time
import unittest

from harness import BACKEND, DaemonTestCase, SOURCE_DIR, UnixUsers

POSTGRES_SH = pathlib.Path(SOURCE_DIR) / "tests" / "support" / "postgres.sh"


def record_lines(path):
    return path.read_text().splitlines() if path.exists() else []


@unittest.skipUnless(BACKEND == "postgres", "needs the postgres ctest fixture (ctest -L postgres)")
class PostgresDownTest(DaemonTestCase):
    @classmethod
    def setUpClass(cls):
        cls.users = UnixUsers()
        cls.alice = cls.users.add_user(f"nd_pgdown_{secrets.token_hex(3)}")

    @classmethod
    def tearDownClass(cls):
        cls.users.remove()

    def setUp(self):
        super().setUp()
        self.pg = pathlib.Path(self.tmp) / "pg"
        self.postgres("start")
        self.shared_dsn_file = os.environ["NOTIFYD_TEST_PG_DSN_FILE"]
        os.environ["NOTIFYD_TEST_PG_DSN_FILE"] = str(self.pg / "dsn")
        self.record = pathlib.Path(self.tmp) / "delivered.txt"
        self.daemon_ = self.fixture_daemon(
            f'[[plugin]]\nuse = "test_channel"\nname = "bot"\nrecord_file = "{self.record}"\n\n'
            f'[[plugin]]\nuse = "exec"\nname = "scripts"\nusers = ["{self.alice}"]\nrescan_interval = "100ms"\n')
        self.daemon_.start()

    def tearDown(self):
        try:
            self.resume_all()
            super().tearDown()
        finally:
            os.environ["NOTIFYD_TEST_PG_DSN_FILE"] = self.shared_dsn_file
            self.postgres("stop")

    def postgres(self, action):
        subprocess.run([str(POSTGRES_SH), action, str(self.pg)], check=True, timeout=120)

    def server_pids(self):
        cluster = (self.pg / "cluster").read_text().strip()
        postmaster = int((pathlib.Path(cluster) / "data" / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout.split()
        return [postmaster, *map(int, children)]

    def resume_all(self):
        for pid in getattr(self, "frozen", []):
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        self.frozen = []

    def send(self, text, timeout=30):
        started = time.monotonic()
        status, body = self.daemon_.request("POST", "/v1/notify", {"user": self.alice, "message": text}, timeout=timeout)
        return status, body, time.monotonic() - started

    def script(self, name, code):
        entry = pwd.getpwnam(self.alice)
        directory = pathlib.Path(entry.pw_dir) / "user" / "notifications"
        for path in (directory.parent, directory):
            path.mkdir(exist_ok=True)
            os.chown(path, entry.pw_uid, entry.pw_gid)
        path = directory / f"{name}.py"
        path.write_text(code)
        os.chown(path, entry.pw_uid, entry.pw_gid)

        def listed():
            status, body = self.daemon_.request("GET", f"/v1/checks?user={self.alice}")
            return status == 200 and any(check["name"] == name for check in body["checks"])

        self.wait_for(listed, message=f"check {name} to be listed")

    def run_check(self, name, timeout=120):
        status, body = self.daemon_.request("POST", f"/v1/checks/{name}/run?user={self.alice}", timeout=timeout)
        self.assertEqual(status, 200, body)
        return body["run"]

    def accepting_again(self, accepted):
        """Sends until one is accepted (its id appended to `accepted`); how long that took."""
        back = time.monotonic()
        while True:
            status, body, _ = self.send("after")
            if status == 200:
                accepted.append(body["id"])
                return time.monotonic() - back
            self.assertLess(time.monotonic() - back, 60, body)
            time.sleep(0.2)

    def delivered_ids(self):
        return {int(line.split()[0]) for line in record_lines(self.record)}

    def test_a_crashed_database_gets_503s_in_time_a_waiting_check_result_and_recovery(self):
        self.script("disk", "import json\nprint(json.dumps({'notify': True, 'message': 'disk 97%'}))\n")
        self.script("quiet", "print('{\"notify\": false}')\n")
        accepted = []
        status, body, _ = self.send("before")
        self.assertEqual(status, 200, body)
        accepted.append(body["id"])
        self.assertEqual(self.run_check("quiet")["outcome"], "quiet")

        self.postgres("crash")
        slowest = 0.0
        for i in range(5):
            status, body, took = self.send(f"while down {i}")
            self.assertEqual(status, 503, body)
            self.assertEqual(body, {"error": "the notification store is unavailable; try again"})
            slowest = max(slowest, took)
        self.assertLessEqual(slowest, 5.5)

        # A check run while the database is down: its result waits.
        waited = {}
        runner = threading.Thread(target=lambda: waited.update(self.run_check("disk", timeout=180)))
        runner.start()
        self.wait_for(lambda: "its result waits" in self.daemon_.log(), timeout=60, message=lambda: f"the result to wait: {waited}")

        self.postgres("restart")
        recovery = self.accepting_again(accepted)
        runner.join(timeout=180)
        self.assertEqual(waited.get("outcome"), "notified", waited)
        self.assertIn("for the notification store", waited["detail"])
        accepted.append(waited["notification_id"])

        self.wait_for(lambda: set(accepted) <= self.delivered_ids(), timeout=60,
                      message=lambda: f"every accepted notification delivered: {accepted} vs {self.delivered_ids()}")
        sys.stderr.write(f"PostgreSQL crashed: slowest 503 {slowest:.2f} s; "
                         f"accepting again {recovery:.2f} s after it restarted\n")
        self.assertLessEqual(recovery, 15)
        self.assertEqual(self.daemon_.stop(), 0)

    def test_a_frozen_database_gets_503s_within_5_s_and_nothing_answered_200_is_lost(self):
        status, body, _ = self.send("before")
        self.assertEqual(status, 200, body)
        accepted = [body["id"]]

        self.frozen = self.server_pids()
        for pid in self.frozen:
            os.kill(pid, signal.SIGSTOP)
        answers = []
        senders = [threading.Thread(target=lambda i=i: answers.append(self.send(f"frozen {i}"))) for i in range(4)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(timeout=60)
        self.assertEqual(len(answers), 4)
        for status, body, took in answers:
            self.assertEqual(status, 503, body)
            self.assertIn("did not answer within 5s", body["error"])
        slowest = max(took for _, _, took in answers)
        self.assertLessEqual(slowest, 7)

        self.resume_all()
        recovery = self.accepting_again(accepted)
        self.wait_for(lambda: set(accepted) <= self.delivered_ids(), timeout=60, message="accepted notifications")
        sys.stderr.write(f"PostgreSQL frozen: slowest 503 {slowest:.2f} s; "
                         f"accepting again {recovery:.2f} s after it resumed\n")
        self.assertEqual(self.daemon_.stop(), 0)


if __name__ == "__main__":
    unittest.main()
