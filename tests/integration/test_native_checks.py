"""[[check]] tables: native checks run through the host like scripts do."""

import pathlib
import subprocess
import unittest

from harness import NOTIFYCTL, NOTIFYD, DaemonTestCase

CHANNEL = '[[plugin]]\nuse = "test_channel"\nname = "bot"\nrecord_file = "{record}"\n'


class NativeCheckTest(DaemonTestCase):
    def start(self, checks):
        self.record = pathlib.Path(self.tmp) / "delivered.txt"
        return self.fixture_daemon(CHANNEL.format(record=self.record) + checks).start()

    def run_check(self, daemon, name, user="alice"):
        status, body = daemon.request("POST", f"/v1/checks/{name}/run?user={user}", "")
        self.assertEqual(status, 200, body)
        return body

    def test_logs_of_an_unknown_check_is_an_error_like_run(self):
        daemon = self.start('[[check]]\nname = "probe"\nuse = "native_probe"\nnotify = ["alice"]\nmode = "quiet"\n')

        def notifyctl(*args):
            return subprocess.run([NOTIFYCTL, "--socket", daemon.socket_path, *args, "--user", "alice"],
                                  capture_output=True, text=True, timeout=60)

        status, body = daemon.request("GET", "/v1/checks/nosuch/runs?user=alice")
        self.assertEqual(status, 404, body)
        unknown = notifyctl("logs", "nosuch")
        self.assertEqual(unknown.returncode, 1, unknown.stdout)
        self.assertIn('no check named "nosuch" for alice', unknown.stderr)
        self.assertEqual(notifyctl("run", "nosuch").returncode, 1)
        never_ran = notifyctl("logs", "probe")
        self.assertEqual((never_ran.returncode, never_ran.stdout), (0, "no runs\n"), never_ran.stderr)
        self.assertEqual(daemon.stop(), 0)

    def test_an_alerting_check_notifies_each_recipient_once_then_cools_down(self):
        daemon = self.start('[[check]]\nname = "probe"\nuse = "native_probe"\nnotify = ["alice", "bob"]\n'
                            'mode = "alert"\nmessage = "disk almost full"\ncooldown = "2h"\n')
        status, listed = daemon.request("GET", "/v1/checks?user=alice")
        self.assertEqual(status, 200, listed)
        self.assertEqual([c["name"] for c in listed["checks"]], ["probe"])
        self.assertEqual(listed["checks"][0]["origin"], "native:native_probe")

        first = self.run_check(daemon, "probe")
        self.assertEqual(first["run"]["outcome"], "notified", first)
        self.assertEqual(first["notification"]["message"], "disk almost full")
        self.assertEqual(first["notification"]["title"], "Probe for alice")
        self.assertEqual(self.run_check(daemon, "probe")["run"]["outcome"], "cooldown")
        self.assertEqual(self.run_check(daemon, "probe", "bob")["run"]["outcome"], "notified")
        self.wait_for(lambda: len(self.record.read_text().splitlines()) == 2 if self.record.exists() else False,
                      message="two deliveries")
        status, runs = daemon.request("GET", "/v1/checks/probe/runs?user=alice")
        self.assertEqual([r["outcome"] for r in runs["runs"]], ["cooldown", "notified"])
        self.assertEqual(daemon.stop(), 0)

    def test_a_hanging_check_times_out_and_shutdown_still_works(self):
        daemon = self.start('[[check]]\nname = "stuck"\nuse = "native_probe"\nnotify = ["alice"]\n'
                            'mode = "hang"\ntimeout = "300ms"\n')
        run = self.run_check(daemon, "stuck")["run"]
        self.assertEqual(run["outcome"], "timeout", run)
        self.assertEqual(daemon.stop(), 0)

    def test_a_failing_check_is_recorded_as_failed(self):
        daemon = self.start('[[check]]\nname = "broken"\nuse = "native_probe"\nnotify = ["alice"]\nmode = "fail"\n')
        run = self.run_check(daemon, "broken")["run"]
        self.assertEqual(run["outcome"], "failed")
        self.assertEqual(run["detail"], "probe failed on purpose")

    def test_check_table_mistakes_are_reported(self):
        daemon = self.fixture_daemon(
            '[[check]]\nname = "a"\nuse = "test_channel"\nnotify = ["alice"]\n'
            '[[check]]\nname = "b"\nuse = "native_probe"\nmode = 5\n'
        )
        result = subprocess.run([NOTIFYD, "--check-config", "-c", str(daemon.config_path)],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 1)
        self.assertIn("is a channel plugin, not a check", result.stderr)
        self.assertIn("missing required key `notify`", result.stderr)
        self.assertIn("`mode` must be a string", result.stderr)


if __name__ == "__main__":
    unittest.main()
