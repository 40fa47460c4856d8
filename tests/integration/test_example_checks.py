"""The example native checks (examples/checks) loaded by the real daemon from
[[check]] tables, run through the socket API, their results handled like a
script's."""

import http.server
import pathlib
import subprocess
import threading
import time
import unittest

from harness import NOTIFYD, DaemonTestCase

CHANNEL = '[[plugin]]\nuse = "test_channel"\nname = "bot"\nrecord_file = "{record}"\n'


class StatusServer:
    """An HTTP server on 127.0.0.1 answering every GET with `status`, or never answering."""

    def __init__(self, status, answer=True):
        release = self.release = threading.Event()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if not answer:
                    release.wait(30)
                    return
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/health"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


class ExampleChecksTest(DaemonTestCase):
    def start(self, checks):
        self.record = pathlib.Path(self.tmp) / "delivered.txt"
        return self.fixture_daemon(CHANNEL.format(record=self.record) + checks).start()

    def run_check(self, daemon, name, user="alice"):
        status, body = daemon.request("POST", f"/v1/checks/{name}/run?user={user}", "", timeout=30)
        self.assertEqual(status, 200, body)
        return body

    def server(self, status, answer=True):
        server = StatusServer(status, answer)
        self.addCleanup(server.close)
        return server

    def test_disk_space_notifies_below_its_threshold_and_is_quiet_above(self):
        daemon = self.start(
            '[[check]]\nname = "full"\nuse = "disk_space"\nnotify = ["alice"]\n'
            f'path = "{self.tmp}"\nmin_free_percent = 100\n'
            '[[check]]\nname = "fine"\nuse = "disk_space"\nnotify = ["alice"]\n'
            f'path = "{self.tmp}"\nmin_free_percent = 0\n')
        full = self.run_check(daemon, "full")
        self.assertEqual(full["run"]["outcome"], "notified", full)
        self.assertEqual(full["notification"]["title"], f"Low disk space on {self.tmp}")
        self.assertIn("GiB free of", full["notification"]["message"])
        self.assertEqual(self.run_check(daemon, "fine")["run"]["outcome"], "quiet")
        self.assertEqual(daemon.stop(), 0)

    def test_file_freshness_reports_a_missing_file_and_is_quiet_for_a_fresh_one(self):
        fresh = pathlib.Path(self.tmp) / "fresh.csv"
        fresh.write_text("date\n")
        daemon = self.start(
            '[[check]]\nname = "export"\nuse = "file_freshness"\nnotify = ["alice"]\n'
            f'path = "{self.tmp}/missing.parquet"\nmax_age = "26h"\n'
            '[[check]]\nname = "fresh"\nuse = "file_freshness"\nnotify = ["alice"]\n'
            f'path = "{fresh}"\nmax_age = "1h"\n')
        missing = self.run_check(daemon, "export")
        self.assertEqual(missing["run"]["outcome"], "notified", missing)
        self.assertIn("does not exist", missing["notification"]["message"])
        self.assertEqual(self.run_check(daemon, "fresh")["run"]["outcome"], "quiet")
        self.assertEqual(daemon.stop(), 0)

    def test_http_status_notifies_on_an_unexpected_status(self):
        failing, healthy = self.server(503), self.server(200)
        daemon = self.start(
            f'[[check]]\nname = "api"\nuse = "http_status"\nnotify = ["alice"]\nurl = "{failing.url}"\n'
            f'[[check]]\nname = "web"\nuse = "http_status"\nnotify = ["alice"]\nurl = "{healthy.url}"\n')
        alert = self.run_check(daemon, "api")
        self.assertEqual(alert["run"]["outcome"], "notified", alert)
        self.assertEqual(alert["notification"]["title"], f"{failing.url} answered 503")
        self.assertEqual(self.run_check(daemon, "web")["run"]["outcome"], "quiet")
        self.wait_for(lambda: self.record.exists() and len(self.record.read_text().splitlines()) == 1,
                      message="one delivery")
        self.assertEqual(daemon.stop(), 0)

    def test_http_status_is_stopped_at_the_runs_timeout_and_shutdown_stays_clean(self):
        silent = self.server(200, answer=False)
        daemon = self.start(
            f'[[check]]\nname = "slow"\nuse = "http_status"\nnotify = ["alice"]\nurl = "{silent.url}"\n'
            'timeout = "500ms"\nrequest_timeout = "30s"\n')
        started = time.monotonic()
        run = self.run_check(daemon, "slow")["run"]
        self.assertEqual(run["outcome"], "timeout", run)
        self.assertLess(time.monotonic() - started, 10)
        # The worker thread returns within about a second of the cancellation.
        self.wait_for(lambda: "returned after its timeout" in daemon.log(), timeout=10,
                      message="the check returning after its timeout")
        self.assertEqual(daemon.stop(), 0)

    def test_their_own_keys_are_validated_with_positions(self):
        daemon = self.fixture_daemon(
            '[[check]]\nname = "disk"\nuse = "disk_space"\nnotify = ["ops"]\nmin_free_percent = "ten"\n'
            '[[check]]\nname = "web"\nuse = "http_status"\nnotify = ["ops"]\n')
        result = subprocess.run([NOTIFYD, "--check-config", "-c", str(daemon.config_path)],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 1, result.stderr)
        lines = [line for line in result.stderr.splitlines() if line.startswith(f"{daemon.config_path}:")]
        self.assertEqual(len(lines), 2, result.stderr)
        self.assertIn('check "disk" (disk_space): `min_free_percent` must be an integer', lines[0])
        self.assertIn('check "web" (http_status): missing required key `url`', lines[1])

    def test_a_value_the_check_refuses_stops_the_daemon_with_the_reason(self):
        daemon = self.fixture_daemon(
            '[[check]]\nname = "ftp"\nuse = "http_status"\nnotify = ["ops"]\nurl = "ftp://127.0.0.1/"\n')
        daemon.start(wait=False)
        self.addCleanup(daemon.stderr.close)
        self.addCleanup(daemon.stdout.close)
        self.assertNotEqual(daemon.process.wait(60), 0)
        self.assertIn('check "ftp"', daemon.log())
        self.assertIn("`url` must be an http:// or https:// URL", daemon.log())

if __name__ == "__main__":
    unittest.main()
