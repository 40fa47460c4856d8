"""Operating the daemon: Prometheus metrics, SIGHUP reload, the log file, systemd notifications."""

import pathlib
import re
import signal
import socket
import time
import unittest
import urllib.request

from harness import DaemonTestCase, UnixHTTPConnection


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MetricsTest(DaemonTestCase):
    def test_metrics_count_notifications_deliveries_and_queues(self):
        port = free_port()
        daemon = self.fixture_daemon(
            f'[[plugin]]\nuse = "test_channel"\nname = "bot"\nfail_times = 1\n'
            f'[[plugin]]\nuse = "metrics"\nlisten = "127.0.0.1:{port}"\n'
        ).start()
        status, body = daemon.request("POST", "/send", {"user": "alice", "text": "hello"})
        self.assertEqual(status, 200, body)

        def scrape():
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
                self.assertIn("text/plain", response.headers["Content-Type"])
                return response.read().decode()

        text = self.wait_for(lambda: (t := scrape()) and 'outcome="delivered"} 1' in t and t, message="delivery metric")
        self.assertIn("notifyd_notifications_accepted_total 1", text)
        self.assertIn('notifyd_deliveries_total{channel="bot",outcome="delivered"} 1', text)
        self.assertIn('notifyd_delivery_retries_total{channel="bot"} 1', text)
        self.assertIn('notifyd_queue_pending{channel="bot"} 0', text)
        self.assertIn('notifyd_socket_connections{instance="api"}', text)
        with self.assertRaises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/other", timeout=5)
        self.assertEqual(missing.exception.code, 404)
        self.assertEqual(daemon.stop(), 0)


    def test_build_info_process_metrics_and_the_families_of_channels_that_are_off(self):
        port = free_port()
        # Telegram without a token and the desktop channel without a secret are off.
        daemon = self.daemon(
            f'[[plugin]]\nuse = "telegram"\nname = "bot"\ntoken_env = "NO_SUCH_TOKEN_VARIABLE"\n'
            f'[[plugin]]\nuse = "websocket"\nname = "desktop"\nlisten = "127.0.0.1:0"\n'
            f'[[plugin]]\nuse = "metrics"\nlisten = "127.0.0.1:{port}"\n'
        ).start()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            text = response.read().decode()
        self.assertRegex(text, r'\nnotifyd_build_info\{version="\d+\.\d+\.\d+"(,commit="[0-9a-f]+")?\} 1\n')
        for name in ("process_resident_memory_bytes", "process_open_fds", "process_start_time_seconds",
                     "process_max_fds", "process_cpu_seconds_total"):
            self.assertRegex(text, rf"\n{name} [0-9.e+]+\n")
        started = float(re.search(r"\nprocess_start_time_seconds ([0-9.e+]+)\n", text).group(1))
        self.assertLess(abs(started - time.time()), 600)
        for series in ('notifyd_telegram_messages_sent_total{instance="bot"} 0',
                       'notifyd_telegram_send_failures_total{instance="bot"} 0',
                       'notifyd_telegram_rate_limited_total{instance="bot"} 0',
                       'notifyd_telegram_send_queue{instance="bot"} 0',
                       'notifyd_websocket_connections{instance="desktop"} 0',
                       'notifyd_websocket_users{instance="desktop"} 0',
                       'notifyd_websocket_frames_sent_total{instance="desktop"} 0',
                       'notifyd_websocket_auth_failures_total{instance="desktop"} 0',
                       'notifyd_websocket_disconnects_total{instance="desktop",reason="heartbeat"} 0',
                       'notifyd_websocket_replayed_total{instance="desktop"} 0'):
            self.assertIn("\n" + series + "\n", text)
        self.assertEqual(daemon.stop(), 0)


class ReloadTest(DaemonTestCase):
    def test_sighup_applies_a_valid_config_and_keeps_the_running_one_on_mistakes(self):
        daemon = self.fixture_daemon('[[plugin]]\nuse = "test_channel"\nname = "bot"\nusers = ["alice"]\n').start()
        self.assertEqual(daemon.request("POST", "/send", {"user": "bob", "text": "x"})[0], 404)

        original = daemon.config_path.read_text()
        daemon.config_path.write_text(original.replace('users = ["alice"]', 'users = ["alice", "bob"]'))
        daemon.process.send_signal(signal.SIGHUP)
        self.wait_for(lambda: self._send_status(daemon, "bob") == 200, message="the reloaded config")

        daemon.config_path.write_text(original.replace('users = ["alice"]', 'users = "bob"'))
        daemon.process.send_signal(signal.SIGHUP)
        self.wait_for(lambda: "reload refused" in daemon.log(), message="the refusal")
        self.assertIn("`users` must be an array of strings", daemon.log())
        self.assertEqual(daemon.request("POST", "/send", {"user": "bob", "text": "still"})[0], 200)
        self.assertEqual(daemon.stop(), 0)

    def test_sighup_keeps_plugins_whose_table_did_not_change(self):
        port = free_port()
        daemon = self.fixture_daemon(
            f'[[plugin]]\nuse = "test_channel"\nname = "bot"\n'
            f'[[plugin]]\nuse = "metrics"\nlisten = "127.0.0.1:{port}"\n').start()
        kept = UnixHTTPConnection(daemon.socket_path)
        kept.request("GET", "/health")
        self.assertEqual(kept.getresponse().read(), b'{"status":"ok"}')

        # Nothing changed: the socket front-end is not recreated, its open connection serves on.
        daemon.process.send_signal(signal.SIGHUP)
        self.wait_for(lambda: "reload: no plugin changed" in daemon.log(), message="the reload")
        kept.request("GET", "/health")
        self.assertEqual(kept.getresponse().read(), b'{"status":"ok"}')

        # Only the metrics table changed: it alone is replaced; the socket connection still serves.
        moved = free_port()
        daemon.config_path.write_text(daemon.config_path.read_text().replace(f":{port}", f":{moved}"))
        daemon.process.send_signal(signal.SIGHUP)
        self.wait_for(lambda: "reload done" in daemon.log(), message="the partial reload")
        self.assertIn("reload: 1 plugins stop, 1 start", daemon.log())
        kept.request("GET", "/health")
        self.assertEqual(kept.getresponse().read(), b'{"status":"ok"}')
        kept.close()
        self.assertEqual(daemon.request("POST", "/send", {"user": "alice", "text": "x"})[0], 200)
        text = self.wait_for(lambda: self._scrape(moved), message="metrics on the new port")
        self.assertIn("notifyd_notifications_accepted_total 1", text)

        # A [pipeline] change rebuilds the daemon; the counters carry on.
        daemon.config_path.write_text(daemon.config_path.read_text().replace('retry_max = "200ms"', 'retry_max = "300ms"'))
        daemon.process.send_signal(signal.SIGHUP)
        self.wait_for(lambda: daemon.log().count("started ") >= 2, message="the rebuilt daemon")
        daemon.wait_ready()
        self.assertEqual(daemon.request("POST", "/send", {"user": "alice", "text": "y"})[0], 200)
        text = self.wait_for(lambda: (t := self._scrape(moved)) and "notifyd_notifications_accepted_total 2" in t and t,
                             message="the counter going on from 1")
        self.assertEqual(daemon.stop(), 0)

    @staticmethod
    def _scrape(port):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
                return response.read().decode()
        except OSError:
            return None

    @staticmethod
    def _send_status(daemon, user):
        """The status of a send; None while the socket is being replaced by the reload."""
        try:
            return daemon.request("POST", "/send", {"user": user, "text": "x"}, timeout=2)[0]
        except OSError:
            return None


class LogFileTest(DaemonTestCase):
    def test_log_lines_go_to_the_file_and_sighup_reopens_it(self):
        log = pathlib.Path(self.tmp) / "notifyd.log"
        daemon = self.daemon('[[plugin]]\nuse = "console"\n', daemon_extra=f'log_file = "{log}"').start()
        self.assertIn("started", log.read_text())
        rotated = log.with_suffix(".log.1")
        log.rename(rotated)
        daemon.process.send_signal(signal.SIGHUP)
        self.wait_for(log.exists, message="the reopened log file")
        self.assertEqual(daemon.stop(), 0, log.read_text())
        self.assertIn("stopped", log.read_text())
        self.assertIn("SIGHUP", rotated.read_text() + log.read_text())


class SystemdNotifyTest(DaemonTestCase):
    def test_ready_watchdog_and_stopping_reach_the_notify_socket(self):
        path = str(pathlib.Path(self.tmp) / "notify.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        listener.bind(path)
        listener.settimeout(10)
        daemon = self.daemon('[[plugin]]\nuse = "console"\n', env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "200000"})
        daemon.start()
        messages = []
        deadline = time.time() + 10
        while time.time() < deadline and not ({"READY=1", "WATCHDOG=1"} <= set(messages)):
            messages.append(listener.recv(256).decode())
        self.assertIn("READY=1", messages)
        self.assertIn("WATCHDOG=1", messages)
        daemon.process.send_signal(signal.SIGTERM)
        while "STOPPING=1" not in messages:
            messages.append(listener.recv(256).decode())
        self.assertEqual(daemon.process.wait(20), 0)
        listener.close()


if __name__ == "__main__":
    unittest.main()
