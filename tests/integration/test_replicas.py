"""Two notifyd replicas on one PostgreSQL (each with its own data directory
and socket): both accept notifications at once, and a reader of `id > since`
on either never misses one; a Telegram link code redeemed through both at
once links exactly one user. Runs in the `postgres` ctest label
(NOTIFYD_TEST_BACKEND=postgres), against the PostgreSQL of the fixture."""

import pathlib
import re
import sys
import threading
import time
import unittest

from harness import BACKEND, Daemon, DaemonTestCase, psql

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "fixtures"))
from fake_bot_api import FakeBotApi  # noqa: E402

TOKEN = "123456:TEST-secret-token"
OTHER_TOKEN = "654321:OTHER-secret-token"


class ReplicasTestCase(DaemonTestCase):
    def replicas(self, plugins_toml, count=2, **kwargs):
        """`count` daemons in directories of their own whose store is one
        database; `plugins_toml(i)` is replica i's plugins."""
        daemons = []
        for i in range(count):
            workdir = pathlib.Path(self.tmp) / f"replica{i}"
            workdir.mkdir()
            daemon = Daemon(workdir, plugins_toml(i), **kwargs)
            self.daemons.append(daemon)
            daemons.append(daemon)
        self.dsn = daemons[0].dsn()
        for daemon in daemons[1:]:
            pathlib.Path(str(daemon.data_dir) + ".dsn").write_text(self.dsn + "\n")
        return daemons


def ids_since(daemon, since):
    """The ids of alice's notifications above `since`, oldest first, as a
    reader that remembers `since` sees them: newest-first pages of the
    history API down to `since` (as the desktop replay reads them)."""
    ids = []
    target = "/v1/history?user=alice&limit=500"
    while True:
        status, page = daemon.request("GET", target, timeout=30)
        if status != 200:
            raise AssertionError(f"history answered {status}: {page}")
        reached = False
        for entry in page["notifications"]:
            if entry["id"] <= since:
                reached = True
                break
            ids.append(entry["id"])
        if reached or page["next_before"] is None:
            return ids[::-1]
        target = f"/v1/history?user=alice&limit=500&before={page['next_before']}"


@unittest.skipUnless(BACKEND == "postgres", "needs the postgres ctest fixture (ctest -L postgres)")
class ReplicasHandOverChannelsTest(ReplicasTestCase):
    def test_a_clean_stop_hands_a_one_replica_channel_to_the_other_replica_at_once(self):
        events = [pathlib.Path(self.tmp) / f"events{i}" for i in range(2)]
        replicas = self.replicas(lambda i: '[[plugin]]\nuse = "test_channel"\nname = "bot"\n'
                                           f'placement = "one_replica"\nevents_file = "{events[i]}"\n')
        for daemon in replicas:
            self.use_fixture_plugins(daemon)
            daemon.start()

        def leads(i):
            return events[i].exists() and any(line.startswith("lead ") for line in events[i].read_text().splitlines())

        self.wait_for(lambda: leads(0) or leads(1), message="one replica leading channel/bot")
        leader = 0 if leads(0) else 1
        other = 1 - leader
        self.assertFalse(leads(other), "two replicas lead channel/bot at once")
        status, body = replicas[leader].request("POST", "/send", {"user": "alice", "text": "through the leader"})
        self.assertEqual(status, 200, body)
        self.wait_for(lambda: f"deliver {body['id']}" in events[leader].read_text(), message="the leader's delivery")
        self.assertNotIn("deliver", events[other].read_text() if events[other].exists() else "")

        stopping = time.monotonic()
        self.assertEqual(replicas[leader].stop(), 0, replicas[leader].log())
        # lease_ttl is 10 s: a takeover before it can only come from the release.
        self.wait_for(lambda: leads(other), timeout=8, message="the other replica taking channel/bot over")
        took = time.monotonic() - stopping
        print(f"clean stop of the leader -> the other replica leads: {took:.2f} s (lease_ttl 10 s)", file=sys.stderr)
        self.assertLess(took, 5)
        status, body = replicas[other].request("POST", "/send", {"user": "alice", "text": "through the new leader"})
        self.assertEqual(status, 200, body)
        self.wait_for(lambda: f"deliver {body['id']}" in events[other].read_text(), message="the new leader's delivery")


@unittest.skipUnless(BACKEND == "postgres", "needs the postgres ctest fixture (ctest -L postgres)")
class ReplicasShareTheHistoryTest(ReplicasTestCase):
    SENDERS_PER_REPLICA = 4
    SENDS_PER_SENDER = 40
    READERS_PER_REPLICA = 2

    def test_two_replicas_accept_at_once_and_a_reader_of_since_misses_nothing(self):
        replicas = self.replicas(lambda i: f'[[plugin]]\nuse = "test_channel"\nname = "desktop{i}"\n')
        for daemon in replicas:
            self.use_fixture_plugins(daemon)
            daemon.start()
        # Forced interleaving: replica 0's batches stay open up to 20 ms per
        # notification after they drew their ids, while replica 1 goes on.
        psql(self.dsn, "CREATE FUNCTION test_hold_batch() RETURNS trigger LANGUAGE plpgsql AS "
                  "$$ BEGIN PERFORM pg_sleep(random() * 0.02); RETURN NEW; END $$")
        psql(self.dsn, "CREATE TRIGGER test_hold_batch BEFORE INSERT ON deliveries FOR EACH ROW "
                  "WHEN (NEW.channel = 'desktop0') EXECUTE FUNCTION test_hold_batch()")
        status, body = replicas[0].request("POST", "/send", {"user": "alice", "text": "before"})
        self.assertEqual(status, 200, body)
        start = body["id"]

        accepted = {i: [] for i in range(len(replicas))}
        failures = []
        sending = threading.Event()
        sending.set()

        def send(index, sender):
            try:
                for n in range(self.SENDS_PER_SENDER):
                    status, body = replicas[index].request("POST", "/send",
                                                           {"user": "alice", "text": f"{index}/{sender}/{n}"},
                                                           timeout=30)
                    if status != 200:
                        failures.append(f"replica {index} answered {status}: {body}")
                        return
                    accepted[index].append(body["id"])
            except Exception as error:  # reported by the main thread
                failures.append(f"sender {index}/{sender}: {error!r}")

        readers = []

        def read(index, seen):
            try:
                since = start
                while True:
                    last_pass = not sending.is_set()
                    fresh = ids_since(replicas[index], since)
                    seen.extend(fresh)
                    if fresh:
                        since = fresh[-1]
                    if last_pass:
                        return
            except Exception as error:
                failures.append(f"reader on replica {index}: {error!r}")

        for index in range(len(replicas)):
            for _ in range(self.READERS_PER_REPLICA):
                seen = []
                readers.append((index, seen, threading.Thread(target=read, args=(index, seen))))
        senders = [threading.Thread(target=send, args=(index, sender))
                   for index in range(len(replicas)) for sender in range(self.SENDERS_PER_REPLICA)]
        for _, _, thread in readers:
            thread.start()
        for thread in senders:
            thread.start()
        for thread in senders:
            thread.join(timeout=180)
        sending.clear()
        for _, _, thread in readers:
            thread.join(timeout=180)
        self.assertEqual(failures, [])

        everything = sorted(accepted[0] + accepted[1])
        self.assertEqual(len(everything), len(replicas) * self.SENDERS_PER_REPLICA * self.SENDS_PER_SENDER)
        self.assertEqual(len(set(everything)), len(everything), "an id was given twice")
        for ids in accepted.values():
            self.assertGreater(min(ids), start)
        # Both replicas took ids while the other did: their ranges interleave.
        self.assertLess(min(accepted[1]), max(accepted[0]))
        self.assertLess(min(accepted[0]), max(accepted[1]))
        for index, seen, _ in readers:
            self.assertEqual(seen, everything, f"a reader of `since` on replica {index} missed or repeated ids")
        for daemon in replicas:
            self.assertEqual(ids_since(daemon, start), everything)
            self.assertEqual(daemon.stop(), 0)


@unittest.skipUnless(BACKEND == "postgres", "needs the postgres ctest fixture (ctest -L postgres)")
class ReplicasShareTheLinkCodesTest(ReplicasTestCase):
    ROUNDS = 100
    REDEEMERS = 20

    def setUp(self):
        super().setUp()
        self.api = FakeBotApi(tokens=[TOKEN, OTHER_TOKEN]).start()

    def tearDown(self):
        try:
            for daemon in self.daemons:
                self.assertNotIn("AddressSanitizer", daemon.log())
        finally:
            self.api.stop()
            super().tearDown()

    def issue_codes(self, chats):
        """Codes the bot gives out for /start in each of `chats`."""
        for chat in chats:
            self.api.push_message(chat, "/start")

        def codes():
            found = {}
            for chat in chats:
                for text in self.api.texts(chat):
                    if match := re.search(r"verification code: <code>(\d{6})</code>", text):
                        found[chat] = match.group(1)
            return found if len(found) == len(chats) else None

        return self.wait_for(codes, timeout=120, message="a code for every /start")

    def test_a_code_redeemed_20_times_at_once_through_two_replicas_links_once(self):
        # Both replicas run the bot the users talk to: the one holding its
        # lease polls, and both serve the link routes over their sockets, as
        # notifyctl uses them.
        def telegram(i):
            return (f'[[plugin]]\nuse = "telegram"\nname = "bot"\ntoken_env = "TOKEN_A"\n'
                    f'api_base_url = "{self.api.base_url}"\n')

        replicas = self.replicas(telegram, env={"TOKEN_A": TOKEN})
        for daemon in replicas:
            daemon.start()
        self.api.wait_for(lambda: self.api.calls("getMe"))
        chats = [5000 + i for i in range(self.ROUNDS + 1)]
        codes = self.issue_codes(chats)

        # A code the bot issued, redeemed on replica 1 alone.
        status, body = replicas[1].request("POST", "/api/telegram/verify", {"code": codes[chats[0]], "user": "first"})
        self.assertEqual(status, 200, body)

        wins = [0, 0]
        for round, chat in enumerate(chats[1:]):
            start = threading.Barrier(self.REDEEMERS)
            answers = [None] * self.REDEEMERS

            def redeem(i):
                daemon = replicas[i % 2]
                start.wait(timeout=60)
                try:
                    answers[i] = daemon.request("POST", "/api/telegram/verify",
                                                {"code": codes[chat], "user": f"r{round}u{i}"}, timeout=60)
                except Exception as error:  # reported below
                    answers[i] = (None, repr(error))

            threads = [threading.Thread(target=redeem, args=(i,)) for i in range(self.REDEEMERS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            winners = [i for i, (status, _) in enumerate(answers) if status == 200]
            self.assertEqual(len(winners), 1, f"round {round}: {answers}")
            losers = [answers[i] for i in range(self.REDEEMERS) if i not in winners]
            self.assertEqual(losers, [(400, {"error": "invalid or expired code"})] * (self.REDEEMERS - 1),
                             f"round {round}")
            wins[winners[0] % 2] += 1

        # Every chat is linked once, whichever replica is asked.
        for daemon in replicas:
            status, body = daemon.request("GET", "/api/telegram/users")
            self.assertEqual(status, 200, body)
            self.assertEqual(sorted(user["chat_id"] for user in body["users"]), chats)
        sys.stderr.write(f"redeem rounds won through replica 0 / 1: {wins[0]} / {wins[1]}\n")
        for daemon in replicas:
            self.assertEqual(daemon.stop(), 0)


if __name__ == "__main__":
    unittest.main()
