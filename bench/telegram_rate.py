#!/usr/bin/python3
"""Telegram delivery under Telegram's rate limits: 1,000 notifications to 100
linked users through the fake Bot API, which enforces the per-chat and global
limits (and answers 429 to anything faster). Prints the 429s the daemon
received and the total time next to the minimum the limits impose.
Figures only; asserts nothing. Run by `make bench` (bench/run_all.sh)."""

import argparse
import http.client
import json
import os
import pathlib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
from fake_bot_api import FakeBotApi  # noqa: E402

TOKEN = "424242:BENCH-token"


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=30)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def max_in_window(times, window):
    """Most of the sorted `times` within any half-open window of `window` seconds."""
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def build_dir():
    for candidate in (os.environ.get("BENCH_BUILD"), "build/release", "build/asan"):
        if candidate and (ROOT / candidate / "lib/notifyd/notifyd_telegram.so").exists():
            return ROOT / candidate
    sys.exit("telegram_rate: no build with notifyd_telegram.so (build/release or build/asan)")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--per-user", type=int, default=10)
    parser.add_argument("--order", choices=("by-user", "interleaved"), default="by-user",
                        help="by-user: each user's notifications in a row (the flood case); interleaved: round-robin")
    args = parser.parse_args()
    limits = {"per_chat_rate": 1.0, "per_chat_burst": 3, "group_rate": 20 / 60, "global_rate": 30.0,
              "global_burst": 1}
    total = args.users * args.per_user

    build = build_dir()
    work = pathlib.Path(tempfile.mkdtemp(prefix="notifyd-bench-tg."))
    api = FakeBotApi(tokens=[TOKEN]).start()
    # Two tokens of slack absorb arrival-time jitter: the daemon paces when it
    # hands a message to one of its sender threads, the server counts arrivals.
    api.set_limits(slack=2, **limits)
    data = work / "data"
    data.mkdir()
    users = [f"user{i:03d}" for i in range(args.users)]
    chats = {user: 10_000 + i for i, user in enumerate(users)}
    (data / "telegram_users.json").write_text(json.dumps(
        {user: {"chat_id": chat, "linked_at": "2024-05-01T12:00:00"} for user, chat in chats.items()}))
    sock = work / "notifyd.sock"
    (work / "notifyd.toml").write_text(f"""
[daemon]
data_dir = "{data}"
plugin_dir = "{build}/lib/notifyd"
log_level = "warn"

[pipeline]
recipients = "any"

[[plugin]]
use = "socket"
name = "api"
path = "{sock}"
mode = "0600"

[[plugin]]
use = "telegram"
name = "bot"
token_env = "TELEGRAM_BOT_TOKEN"
api_base_url = "{api.base_url}"
per_chat_rate = "{limits['per_chat_rate']}/s"
per_chat_burst = {limits['per_chat_burst']}
global_rate = "{limits['global_rate']}/s"
global_burst = {limits['global_burst']}
""")
    log = open(work / "notifyd.log", "wb")
    daemon = subprocess.Popen([str(build / "bin/notifyd"), "-c", str(work / "notifyd.toml")], stderr=log,
                              env=dict(os.environ, TELEGRAM_BOT_TOKEN=TOKEN))
    try:
        for _ in range(300):
            if sock.exists():
                break
            time.sleep(0.05)
        api.wait_for(lambda: api.calls("getMe"))
        if args.order == "by-user":
            order = [(user, n) for user in users for n in range(args.per_user)]
        else:
            order = [(user, n) for n in range(args.per_user) for user in users]

        print(f"telegram: {total} notifications to {args.users} linked users ({args.order}), fake Bot API enforcing "
              f"{limits['per_chat_rate']:g}/s per chat (burst {limits['per_chat_burst']}) and "
              f"{limits['global_rate']:g}/s overall (burst {limits['global_burst']}, +2 for jitter); build {build.name}")
        started = time.time()
        published = [0]

        def publish(batch):
            connection = UnixConnection(str(sock))
            for user, n in batch:
                body = json.dumps({"user": user, "title": f"Alert {n}", "message": f"value {n} for {user}",
                                   "format": "plain"})
                connection.request("POST", "/v1/notify", body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise SystemExit(f"publish failed: {response.status}")
                published[0] += 1
            connection.close()

        publisher = threading.Thread(target=publish, args=(order,))
        publisher.start()
        publisher.join()
        accepted = time.time() - started
        deadline = time.time() + 600
        while len(api.sent()) < total and time.time() < deadline:
            time.sleep(0.2)
        sent = api.sent()
        times = sorted(c["time"] for c in sent)
        first_by_user = {}
        for call in sent:
            first_by_user.setdefault(call["chat_id"], call["time"])
        elapsed = times[-1] - started
        minimum = max((total - limits["global_burst"]) / limits["global_rate"],
                      (args.per_user - limits["per_chat_burst"]) / limits["per_chat_rate"])
        stats = api.stats
        busiest_second = max_in_window(times, 1.0)
        busiest_chat = max(max_in_window(sorted(c["time"] for c in sent if c["chat_id"] == chat), 1.0)
                           for chat in chats.values())
        waits = [t - started for t in first_by_user.values()]
        print(f"  accepted:        {published[0]} in {accepted:.1f} s")
        print(f"  delivered:       {len(sent)} messages ({len(set(c['text'] for c in sent))} distinct)")
        print(f"  429s received:   {stats['rate_limited']} (limit violations seen by the server: {stats['violations']})")
        print(f"  busiest 1 s:     {busiest_second} messages overall, {busiest_chat} in one chat "
              f"(arrival times at the server)")
        print(f"  total time:      {elapsed:.2f} s, limit-imposed minimum {minimum:.2f} s "
              f"-> {elapsed / minimum:.3f} x ({(elapsed / minimum - 1) * 100:+.1f} %)")
        print(f"  first message per user after: median {statistics.median(waits):.1f} s, max {max(waits):.1f} s")
        daemon.terminate()
        daemon.wait(30)
    finally:
        if daemon.poll() is None:
            daemon.kill()
        log.close()
        api.stop()
        if os.environ.get("BENCH_KEEP"):
            print(f"  kept {work}")
        else:
            subprocess.run(["rm", "-rf", str(work)])


if __name__ == "__main__":
    main()
