"""PostgreSQL down under three replicas: sends are answered 503 within 5 s
and never hang, a check's result waits and goes out once the database is
back, nothing answered 200 is lost, and every replica recovers on its own
within lease_ttl + 5 s. The database is a cluster of this test's own
(tests/support/postgres.sh), so the suite's shared one keeps running."""

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

from harness import BACKEND, SOURCE_DIR, UnixUsers
from test_replicas import ReplicasTestCase

POSTGRES_SH = pathlib.Path(SOURCE_DIR) / "tests" / "support" / "postgres.sh"


def record_lines(path):
    return path.read_text().splitlines() if path.exists() else []


@unittest.skipUnless(BACKEND == "postgres", "needs the postgres ctest fixture (ctest -L postgres)")
class PostgresDownTest(ReplicasTestCase):
    REPLICAS = 3
    LEASE_TTL = 10  # the default
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
        self.records = [pathlib.Path(self.tmp) / f"delivered{i}.txt" for i in range(self.REPLICAS)]

        def plugins(i):
            return (f'[[plugin]]\nuse = "test_channel"\nname = "bot"\nrecord_file = "{self.records[i]}"\n\n'
                    f'[[plugin]]\nuse = "exec"\nname = "scripts"\nusers = ["{self.alice}"]\nrescan_interval = "100ms"\n')

        self.replicas_ = self.replicas(plugins, count=self.REPLICAS)
        for daemon in self.replicas_:
            self.use_fixture_plugins(daemon)
            daemon.start()
        self.daemon_ = self.replicas_[0]

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

    def send(self, text, daemon=None, timeout=30):
        started = time.monotonic()
        status, body = (daemon or self.daemon_).request("POST", "/v1/notify", {"user": self.alice, "message": text},
                                                        timeout=timeout)
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
        """Sends through every replica until each has accepted one (their ids
        appended to `accepted`); how long the last took."""
        back = time.monotonic()
        waiting = list(self.replicas_)
        while waiting:
            for daemon in list(waiting):
                status, body, _ = self.send("after", daemon)
                if status == 200:
                    accepted.append(body["id"])
                    waiting.remove(daemon)
            self.assertLess(time.monotonic() - back, 60, f"replicas not accepting: {[d.workdir for d in waiting]}")
            if waiting:
                time.sleep(0.2)
        return time.monotonic() - back

    def send_through_all(self, text, answers):
        """One send through each replica at once; appends (status, body, seconds) to `answers`."""
        senders = [threading.Thread(target=lambda d=d: answers.append(self.send(text, d))) for d in self.replicas_]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(timeout=60)

    def delivered_ids(self):
        return {int(line.split()[0]) for record in self.records for line in record_lines(record)}

    def test_a_crashed_database_gets_503s_in_time_a_waiting_check_result_and_recovery(self):
        self.script("disk", "import json\nprint(json.dumps({'notify': True, 'message': 'disk 97%'}))\n")
        self.script("quiet", "print('{\"notify\": false}')\n")
        accepted = []
        status, body, _ = self.send("before")
        self.assertEqual(status, 200, body)
        accepted.append(body["id"])
        self.assertEqual(self.run_check("quiet")["outcome"], "quiet")

        self.postgres("crash")
        down = time.monotonic()
        answers = []
        while time.monotonic() - down < 20:
            self.send_through_all("while down", answers)
            time.sleep(0.5)
        for status, body, _ in answers:
            self.assertEqual((status, body), (503, {"error": "the notification store is unavailable; try again"}))
        slowest = max(took for _, _, took in answers)
        self.assertLessEqual(slowest, 5.5)

        # A check run while the database is down: its result waits.
        waited = {}
        runner = threading.Thread(target=lambda: waited.update(self.run_check("disk", timeout=180)))
        runner.start()
        self.wait_for(lambda: "its result waits" in self.daemon_.log(), timeout=60,
                      message=lambda: f"the result to wait: {waited}")

        self.postgres("restart")
        recovery = self.accepting_again(accepted)
        runner.join(timeout=180)
        self.assertEqual(waited.get("outcome"), "notified", waited)
        self.assertIn("for the notification store", waited["detail"])
        accepted.append(waited["notification_id"])

        self.wait_for(lambda: set(accepted) <= self.delivered_ids(), timeout=60,
                      message=lambda: f"every accepted notification delivered: {accepted} vs {self.delivered_ids()}")
        sys.stderr.write(f"PostgreSQL crashed for 20 s under {self.REPLICAS} replicas: {len(answers)} sends, slowest "
                         f"503 {slowest:.2f} s; every replica accepting again {recovery:.2f} s after it restarted; "
                         f"{len(accepted)} accepted, 0 lost\n")
        self.assertLessEqual(recovery, self.LEASE_TTL + 5)
        for daemon in self.replicas_:
            self.assertEqual(daemon.stop(), 0)

    def test_a_frozen_database_gets_503s_within_5_s_and_nothing_answered_200_is_lost(self):
        status, body, _ = self.send("before")
        self.assertEqual(status, 200, body)
        accepted = [body["id"]]

        self.frozen = self.server_pids()
        for pid in self.frozen:
            os.kill(pid, signal.SIGSTOP)
        answers = []
        self.send_through_all("frozen", answers)
        self.assertEqual(len(answers), self.REPLICAS)
        for status, body, took in answers:
            self.assertEqual(status, 503, body)
            self.assertIn("did not answer within 5s", body["error"])
        slowest = max(took for _, _, took in answers)
        self.assertLessEqual(slowest, 7)

        self.resume_all()
        recovery = self.accepting_again(accepted)
        self.wait_for(lambda: set(accepted) <= self.delivered_ids(), timeout=60, message="accepted notifications")
        sys.stderr.write(f"PostgreSQL frozen under {self.REPLICAS} replicas: slowest 503 {slowest:.2f} s; "
                         f"every replica accepting again {recovery:.2f} s after it resumed\n")
        for daemon in self.replicas_:
            self.assertEqual(daemon.stop(), 0)


if __name__ == "__main__":
    unittest.main()
