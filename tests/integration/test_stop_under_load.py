"""Stop and reload under load (issue: stop and reload never crash, never drop
an answer). Requests go in at full rate while the daemon is sent SIGHUP and
SIGTERM, with a native check hanging on a worker, a Telegram long poll open
and a check due every second. Every exit is clean, every notification
answered 200 is delivered, and every stored one was answered."""

import os
import pathlib
import random
import signal
import sys
import threading
import time
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "fixtures"))

from harness import DaemonTestCase  # noqa: E402
from fake_bot_api import FakeBotApi  # noqa: E402

TOKEN = "123456:TEST-token"
ROUNDS = 20


class Senders:
    """Threads that POST /v1/notify for bob as fast as the daemon answers."""

    def __init__(self, daemon, threads=4):
        self.daemon = daemon
        self.answered = set()
        self.refused = 0
        self.lock = threading.Lock()
        self.running = True
        self.threads = [threading.Thread(target=self.send, daemon=True) for _ in range(threads)]
        for thread in self.threads:
            thread.start()

    def send(self):
        while self.running:
            try:
                status, body = self.daemon.request("POST", "/v1/notify", {"user": "bob", "message": "load"}, timeout=15)
            except OSError:
                time.sleep(0.01)  # stopping or restarting: the request was not answered
                continue
            with self.lock:
                if status == 200:
                    self.answered.add(body["id"])
                else:
                    self.refused += 1

    def stop(self):
        self.running = False
        for thread in self.threads:
            thread.join(30)


class StopUnderLoadTest(DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.api = FakeBotApi(tokens=[TOKEN]).start()

    def tearDown(self):
        self.api.stop()
        super().tearDown()

    def config(self, retry_max):
        record = pathlib.Path(self.tmp) / "delivered.txt"
        plugins = f'''
[[plugin]]
use = "test_channel"
name = "sink"
users = ["bob"]
record_file = "{record}"

[[plugin]]
use = "telegram"
name = "bot"
token_env = "TELEGRAM_BOT_TOKEN"
api_base_url = "{self.api.base_url}"

[[plugin]]
use = "cron"
name = "schedule"

[[check]]
name = "hanging"
use = "native_probe"
schedule = "@every 1s"
timeout = "3s"
notify = ["alice"]
mode = "hang"
'''
        return plugins, record, f'retry_max = "{retry_max}"'

    def test_signals_under_load_lose_no_answer_and_exit_cleanly(self):
        plugins, record, pipeline = self.config("200ms")
        daemon = self.fixture_daemon(plugins, pipeline_toml=pipeline, env={"TELEGRAM_BOT_TOKEN": TOKEN})
        answered = set()
        randomness = random.Random(14)
        for round_number in range(ROUNDS):
            daemon.start()
            senders = Senders(daemon)
            time.sleep(randomness.uniform(0.3, 0.8))
            # Every other reload changes [pipeline], which rebuilds the whole daemon.
            if round_number % 2:
                text = daemon.config_path.read_text()
                daemon.config_path.write_text(text.replace('retry_max = "200ms"', 'retry_max = "250ms"', 1)
                                              if 'retry_max = "200ms"' in text
                                              else text.replace('retry_max = "250ms"', 'retry_max = "200ms"', 1))
            daemon.process.send_signal(signal.SIGHUP)
            time.sleep(randomness.uniform(0.3, 0.8))
            daemon.process.send_signal(signal.SIGTERM)
            code = daemon.process.wait(30)
            senders.stop()
            daemon.stdout.close()
            daemon.stderr.close()
            log = daemon.log()
            self.assertEqual(code, 0, f"round {round_number}: exit status {code}\n{log[-6000:]}")
            self.assertNotIn("AddressSanitizer", log)
            self.assertNotIn("runtime error", log)
            answered |= senders.answered
        self.assertGreater(len(answered), ROUNDS, "the load went in")

        daemon.start()
        delivered = lambda: {int(line.split()[0]) for line in record.read_text().splitlines()} if record.exists() else set()
        self.wait_for(lambda: answered <= delivered(), timeout=60, message="every answered notification delivered")
        status, history = daemon.request("GET", "/v1/history?user=bob&limit=100000")
        self.assertEqual(status, 200, history)
        stored = {entry["id"] for entry in history["notifications"]}
        self.assertEqual(stored - answered, set(), "stored notifications whose request was never answered")
        self.assertEqual(daemon.stop(), 0)


if __name__ == "__main__":
    unittest.main()
