"""The daemon starts, shows notifications on the console channel, and stops
cleanly on SIGTERM/SIGINT; a second signal exits at once."""

import json
import signal
import time
import unittest
from pathlib import Path

from harness import DaemonTestCase


class LifecycleTest(DaemonTestCase):
    def test_sigterm_stops_cleanly_with_exit_0(self):
        daemon = self.daemon('[[plugin]]\nuse = "console"\nformat = "json"\n').start()
        self.assertEqual(daemon.stop(signal.SIGTERM), 0, daemon.log())
        log = daemon.log()
        self.assertIn("stopping (Terminated)", log)
        self.assertIn("notifyd: stopped", log)
        self.assertNotIn("AddressSanitizer", log)

    def test_sigint_stops_cleanly_with_exit_0(self):
        daemon = self.daemon('[[plugin]]\nuse = "console"\n').start()
        self.assertEqual(daemon.stop(signal.SIGINT), 0, daemon.log())

    def test_console_channel_prints_what_was_sent(self):
        daemon = self.daemon('[[plugin]]\nuse = "console"\nformat = "json"\n').start()
        status, body = daemon.request("POST", "/send", {"user": "alice", "text": "Revenue dropped 25%"})
        self.assertEqual(status, 200, body)
        line = self.wait_for(lambda: daemon.output().strip(), message="console output")
        printed = json.loads(line.splitlines()[0])
        self.assertEqual(printed["user"], "alice")
        self.assertEqual(printed["message"], "Revenue dropped 25%")
        self.assertEqual(printed["id"], body["id"])
        self.assertEqual(daemon.stop(), 0)

    def test_log_lines_have_time_level_and_prefix(self):
        daemon = self.daemon('[[plugin]]\nuse = "console"\nname = "screen"\n').start()
        daemon.stop()
        lines = daemon.log().splitlines()
        self.assertTrue(any(" info  channel:screen: " in line for line in lines), lines)
        self.assertTrue(all(line[:4].isdigit() and line[23] == "Z" for line in lines), lines)

    def test_a_second_signal_exits_at_once(self):
        daemon = self.daemon(
            "[[plugin]]\n"
            f'use = "test_channel"\nname = "slow"\nstop_delay = "60s"\n',
            daemon_extra="",
        )
        daemon.config_path.write_text(
            daemon.config_path.read_text().replace('shutdown_timeout = "5s"', 'shutdown_timeout = "60s"')
            + ""
        )
        self.use_fixture_plugins(daemon)
        daemon.start()
        daemon.process.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        self.assertIsNone(daemon.process.poll(), "the first signal waits for the slow plugin's stop")
        started = time.time()
        daemon.process.send_signal(signal.SIGTERM)
        code = daemon.process.wait(10)
        self.assertLess(time.time() - started, 5)
        self.assertEqual(code, 1)
        self.assertIn("second signal", daemon.log())

    def test_a_one_replica_channel_leads_before_it_delivers_and_its_lease_goes_at_stop(self):
        events = Path(self.tmp) / "events"
        daemon = self.daemon(
            '[[plugin]]\nuse = "test_channel"\nname = "bot"\nplacement = "one_replica"\n'
            f'events_file = "{events}"\n'
        )
        self.use_fixture_plugins(daemon)
        daemon.start()
        status, body = daemon.request("POST", "/send", {"user": "alice", "text": "disk full"})
        self.assertEqual(status, 200, body)
        self.wait_for(lambda: f"deliver {body['id']}" in events.read_text(), message="the delivery")
        lines = events.read_text().splitlines()
        self.assertRegex(lines[0], r"^lead channel/bot \d+ \S+:\d+$")
        self.assertEqual(lines[1:], [f"deliver {body['id']}"])
        self.assertIn("channel bot leads on this replica (channel/bot epoch ", daemon.log())
        self.assertEqual(daemon.stop(), 0, daemon.log())
        self.assertNotIn("follow", events.read_text())  # the lease is released after the channel stopped


        daemon = self.daemon('[[plugin]]\nuse = "timer_probe"\ndelay = "50ms"\n')
        self.use_fixture_plugins(daemon)
        daemon.start()
        self.wait_for(lambda: daemon.read_document("timer_probe_fired") is not None, message="timer probe")
        self.assertEqual(daemon.stop(), 0)
        self.assertIn("stop I/O completed on the host's threads", daemon.log())


if __name__ == "__main__":
    unittest.main()
