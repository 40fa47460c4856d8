"""Two notifyd replicas on one PostgreSQL (each with its own data directory
and socket): both accept notifications at once, and a reader of `id > since`
on either never misses one; a Telegram link code redeemed through both at
once links exactly one user. Runs in the `postgres` ctest label
(NOTIFYD_TEST_BACKEND=postgres), against the PostgreSQL of the fixture."""

import json
import pathlib
import re
import socket
import subprocess
import sys
import threading
import time
import unittest
import urllib.request

from harness import BACKEND, NOTIFYCTL, Daemon, DaemonTestCase, psql

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


def recorded_ids(record_file):
    """The notification ids a test_channel's record file lists, one per delivery."""
    if not record_file.exists():
        return []
    return [int(line.split()[0]) for line in record_file.read_text().splitlines() if line.strip()]


@unittest.skipUnless(BACKEND == "postgres", "needs the postgres ctest fixture (ctest -L postgres)")
class ReplicasShareAOneReplicaOutboxTest(ReplicasTestCase):
    LEASE_TTL = 3
    MAX_IN_FLIGHT = 4

    def start_replicas(self, delay="0ms"):
        self.events = [pathlib.Path(self.tmp) / f"events{i}" for i in range(2)]
        self.records = [pathlib.Path(self.tmp) / f"record{i}" for i in range(2)]
        replicas = self.replicas(
            lambda i: '[[plugin]]\nuse = "test_channel"\nname = "bot"\nplacement = "one_replica"\n'
                      f'events_file = "{self.events[i]}"\nrecord_file = "{self.records[i]}"\ndelay = "{delay}"\n',
            pipeline_toml=f"max_in_flight = {self.MAX_IN_FLIGHT}",
            cluster_extra=f'lease_ttl = "{self.LEASE_TTL}s"')
        for daemon in replicas:
            self.use_fixture_plugins(daemon)
            daemon.start()
        self.wait_for(lambda: self.leads(0) or self.leads(1), message="one replica leading channel/bot")
        return replicas

    def leads(self, i):
        return self.events[i].exists() and any(line.startswith("lead ") for line in self.events[i].read_text().splitlines())

    def send(self, daemon, user, text):
        status, body = daemon.request("POST", "/send", {"user": user, "text": text}, timeout=30)
        self.assertEqual(status, 200, body)
        return body["id"]

    def test_notifications_accepted_by_the_follower_are_delivered_by_the_leader_once(self):
        replicas = self.start_replicas()
        leader = 0 if self.leads(0) else 1
        follower = 1 - leader
        ids = [self.send(replicas[follower], f"user{n % 5}", f"via the follower {n}") for n in range(40)]
        ids += [self.send(replicas[leader], f"user{n % 5}", f"via the leader {n}") for n in range(10)]
        self.wait_for(lambda: set(recorded_ids(self.records[leader])) >= set(ids),
                      message=lambda: f"{len(set(ids) - set(recorded_ids(self.records[leader])))} deliveries")
        self.wait_for(lambda: psql(self.dsn, "SELECT count(*) FROM deliveries WHERE channel = 'bot' AND "
                                             "state = 'pending'").strip() == "0", message="no pending delivery left")
        self.assertEqual(sorted(recorded_ids(self.records[leader])), sorted(ids), "a delivery was made twice")
        self.assertEqual(recorded_ids(self.records[follower]), [])
        self.assertFalse(self.leads(follower))
        for daemon in replicas:
            self.assertEqual(daemon.stop(), 0, daemon.log())
            self.assertNotIn("AddressSanitizer", daemon.log())

    def test_the_other_replica_takes_over_a_killed_leader_and_delivers_everything_left_pending(self):
        replicas = self.start_replicas(delay="50ms")
        leader = 0 if self.leads(0) else 1
        follower = 1 - leader
        accepted = []
        failures = []

        def send_burst():
            try:
                for n in range(300):
                    accepted.append(self.send(replicas[follower], f"user{n % 10}", f"burst {n}"))
            except Exception as error:  # reported by the main thread
                failures.append(repr(error))

        sender = threading.Thread(target=send_burst)
        sender.start()
        self.wait_for(lambda: len(recorded_ids(self.records[leader])) >= 60, timeout=60,
                      message="the leader's first deliveries")
        replicas[leader].kill()
        killed = time.monotonic()
        accepted_at_kill = len(accepted)
        # What the store says was delivered when the leader died: only the
        # others may be delivered again.
        committed = {int(row) for row in psql(self.dsn, "SELECT notification_id FROM deliveries WHERE channel = 'bot' "
                                                        "AND state = 'delivered'").split()}
        by_leader = recorded_ids(self.records[leader])
        self.wait_for(lambda: self.leads(follower), timeout=self.LEASE_TTL + 10,
                      message="the other replica taking channel/bot over")
        took_over = time.monotonic() - killed
        sender.join(timeout=120)
        self.assertEqual(failures, [])
        self.assertEqual(len(accepted), 300)

        def delivered():
            return set(by_leader) | set(recorded_ids(self.records[follower]))

        self.wait_for(lambda: delivered() >= set(accepted), timeout=60,
                      message=lambda: f"{len(set(accepted) - delivered())} of the accepted notifications")
        by_new_leader = recorded_ids(self.records[follower])
        self.assertEqual(len(by_new_leader), len(set(by_new_leader)), "the new leader delivered one twice")
        self.assertEqual(len(by_leader), len(set(by_leader)), "the killed leader delivered one twice")
        repeated = set(by_leader) & set(by_new_leader)
        in_flight_at_kill = set(by_leader) - committed
        print(f"leader kill -9 after {accepted_at_kill} of 300 accepted -> the other replica leads: "
              f"{took_over:.2f} s (lease_ttl {self.LEASE_TTL} s); "
              f"{len(by_leader)} delivered before the kill, {len(by_new_leader)} after, {len(repeated)} twice "
              f"({len(in_flight_at_kill)} made and not yet recorded at the kill; max_in_flight {self.MAX_IN_FLIGHT})",
              file=sys.stderr)
        self.assertLessEqual(repeated, in_flight_at_kill,
                             "the new leader repeated a delivery the store had as delivered")
        self.assertLessEqual(len(repeated), 2 * self.MAX_IN_FLIGHT)
        self.assertLess(took_over, self.LEASE_TTL + 5)
        self.assertEqual(replicas[follower].stop(), 0, replicas[follower].log())
        self.assertNotIn("AddressSanitizer", replicas[follower].log())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@unittest.skipUnless(BACKEND == "postgres", "needs the postgres ctest fixture (ctest -L postgres)")
class ReplicasInHealthTest(ReplicasTestCase):
    LEASE_TTL = 3

    def test_health_shows_the_replicas_and_who_leads_and_a_killed_replica_leaves_within_the_lease_ttl(self):
        events = [pathlib.Path(self.tmp) / f"events{i}" for i in range(2)]
        ports = [free_port(), free_port()]
        replicas = self.replicas(lambda i: '[[plugin]]\nuse = "test_channel"\nname = "bot"\n'
                                           f'placement = "one_replica"\nevents_file = "{events[i]}"\n'
                                           f'[[plugin]]\nuse = "metrics"\nlisten = "127.0.0.1:{ports[i]}"\n')
        for i, daemon in enumerate(replicas):
            config = daemon.config_path.read_text()
            daemon.config_path.write_text(config.replace(
                "[cluster]\n", f'[cluster]\nlease_ttl = "{self.LEASE_TTL}s"\naddress = "replica-{i}.example"\n', 1))
            self.use_fixture_plugins(daemon)

        def health(daemon):
            status, body = daemon.request("GET", "/v1/health")
            self.assertEqual(status, 200, body)
            return body

        def replica_names(daemon):
            return sorted(replica["name"] for replica in health(daemon)["cluster"]["replicas"])

        def holder(daemon, lease="channel/bot"):
            held = [l for l in health(daemon)["cluster"]["leases"] if l["name"] == lease]
            return held[0]["holder"] if held else None

        def leads(daemon):
            return [c["leads"] for c in health(daemon)["channels"] if c["channel"] == "bot"] == [True]

        # Alone, the first replica leads at once: its first campaign goes out as its connection comes up.
        spawned = time.monotonic()
        replicas[0].start()
        self.wait_for(lambda: leads(replicas[0]), timeout=10, message="replica 0 leading channel/bot")
        took = time.monotonic() - spawned
        print(f"start -> leads channel/bot: {took:.2f} s (lease_ttl {self.LEASE_TTL} s)", file=sys.stderr)
        self.assertLess(took, self.LEASE_TTL)
        replicas[1].start()
        names = [f"{socket.gethostname()}:{daemon.process.pid}" for daemon in replicas]

        for daemon in replicas:
            self.wait_for(lambda: replica_names(daemon) == sorted(names), timeout=10,
                          message="both replicas in each other's health")
        leader, other = replicas[0], replicas[1]
        self.assertEqual(holder(other), names[0])
        self.assertTrue(leads(leader))
        self.assertFalse(leads(other))

        seen = health(other)
        self.assertEqual(seen["status"], "ok")
        cluster = seen["cluster"]
        self.assertEqual(cluster["backend"], "postgres")
        self.assertEqual(cluster["replica"], names[1])
        self.assertEqual(cluster["lease_ttl_ms"], self.LEASE_TTL * 1000)
        self.assertGreaterEqual(cluster["schema_version"], 2)
        connections = [(c["name"], c["state"]) for c in cluster["connections"]]
        pooled = [f"coordination-pool-{n}" for n in range(1, 5)]
        self.assertEqual([name for name, _ in connections], ["coordination", *pooled, "store-writer", "store-reader"])
        states = dict(connections)
        self.assertEqual([states[name] for name in ("coordination", "store-writer", "store-reader")], ["connected"] * 3)
        # The pool's sessions connect when first needed: documents and ephemeral keys used some already.
        self.assertTrue(all(states[name] in ("connected", "unused") for name in pooled), connections)
        self.assertIn("connected", [states[name] for name in pooled])
        by_name = {replica["name"]: replica for replica in cluster["replicas"]}
        self.assertTrue(by_name[names[1]]["self"])
        self.assertFalse(by_name[names[0]]["self"])
        self.assertEqual(by_name[names[0]]["address"], "replica-0.example")
        self.assertEqual(by_name[names[0]]["pid"], replicas[0].process.pid)
        lease = [l for l in cluster["leases"] if l["name"] == "channel/bot"][0]
        first_epoch = lease["epoch"]

        text = subprocess.run([NOTIFYCTL, "--socket", other.socket_path, "health"], capture_output=True, text=True,
                              timeout=30)
        self.assertEqual(text.returncode, 0, text.stderr)
        self.assertIn("engine: postgres, schema version", text.stdout)
        self.assertIn("coordination: connected since", text.stdout)
        self.assertIn("store-writer: connected since", text.stdout)
        self.assertIn("store-reader: connected since", text.stdout)
        self.assertRegex(text.stdout, r"\n  coordination-pool-1: (connected|unused) since ")
        self.assertIn(f"{names[1]} (this one)", text.stdout)
        self.assertIn("at replica-0.example", text.stdout)
        self.assertIn(f"channel/bot  held by {names[0]}  epoch {first_epoch}", text.stdout)
        self.assertRegex(text.stdout, r"\nbot( +\d+){5} +no\n")
        as_json = subprocess.run([NOTIFYCTL, "--socket", other.socket_path, "--json", "health"], capture_output=True,
                                 text=True, timeout=30)
        self.assertEqual(as_json.returncode, 0, as_json.stderr)
        self.assertEqual(sorted(r["name"] for r in json.loads(as_json.stdout)["cluster"]["replicas"]), sorted(names))

        # kill -9 of the leader: it leaves the other's health, and the other takes channel/bot over.
        leader.kill()
        killed = time.monotonic()
        self.wait_for(lambda: replica_names(other) == [names[1]], timeout=self.LEASE_TTL + 10,
                      message="the killed replica leaving the other's health")
        gone = time.monotonic() - killed
        self.wait_for(lambda: leads(other) and holder(other) == names[1], timeout=self.LEASE_TTL + 10,
                      message="the other replica leading channel/bot")
        took_over = time.monotonic() - killed
        print(f"kill -9 -> gone from health: {gone:.2f} s, other leads: {took_over:.2f} s "
              f"(lease_ttl {self.LEASE_TTL} s)", file=sys.stderr)
        # The announcement expires at most lease_ttl after its last renewal; it is read every third of it.
        self.assertLess(gone, self.LEASE_TTL + self.LEASE_TTL / 3 + 2)
        self.assertLess(took_over, self.LEASE_TTL + 2)
        self.assertGreater([l for l in health(other)["cluster"]["leases"] if l["name"] == "channel/bot"][0]["epoch"],
                           first_epoch)

        with urllib.request.urlopen(f"http://127.0.0.1:{ports[1]}/metrics", timeout=5) as response:
            metrics = response.read().decode()
        self.assertIn('notifyd_lease_changes_total{lease="channel/bot",change="acquired"} 1\n', metrics)
        self.assertIn('notifyd_lease_changes_total{lease="channel/bot",change="lost"} 0\n', metrics)
        self.assertIn("notifyd_replicas 1\n", metrics)
        self.assertIn("notifyd_fenced_writes_total 0\n", metrics)
        self.assertEqual(other.stop(), 0, other.log())


@unittest.skipUnless(BACKEND == "local", "the single notifyd of backend = \"local\"")
class SingleNotifydHealthTest(DaemonTestCase):
    def test_health_shows_one_replica_that_leads_every_channel(self):
        events = pathlib.Path(self.tmp) / "events"
        daemon = self.fixture_daemon('[[plugin]]\nuse = "test_channel"\nname = "bot"\nplacement = "one_replica"\n'
                                     f'events_file = "{events}"\n'
                                     '[[plugin]]\nuse = "test_channel"\nname = "desk"\n').start()
        name = f"{socket.gethostname()}:{daemon.process.pid}"

        def health():
            status, body = daemon.request("GET", "/v1/health")
            self.assertEqual(status, 200, body)
            return body

        self.wait_for(lambda: [l["holder"] for l in health()["cluster"]["leases"] if l["name"] == "channel/bot"] == [name],
                      message="the one replica holding channel/bot")
        body = self.wait_for(lambda: (b := health()) and all(c["leads"] for c in b["channels"]) and b,
                             message="both channels led here")
        self.assertEqual(body["status"], "ok")
        self.assertEqual(sorted(c["channel"] for c in body["channels"]), ["bot", "desk"])
        cluster = body["cluster"]
        self.assertEqual((cluster["backend"], cluster["replica"], cluster["schema_version"], cluster["connections"]),
                         ("local", name, 0, []))
        self.assertEqual([(r["name"], r["self"], r["pid"]) for r in cluster["replicas"]],
                         [(name, True, daemon.process.pid)])
        self.assertIsNone(cluster["leases"][0]["expires_at"])

        text = subprocess.run([NOTIFYCTL, "--socket", daemon.socket_path, "health"], capture_output=True, text=True,
                              timeout=30)
        self.assertEqual(text.returncode, 0, text.stderr)
        self.assertIn("engine: local, lease ttl 10000 ms\nreplicas: 1", text.stdout)
        self.assertIn(f"  {name} (this one)", text.stdout)
        self.assertIn(f"channel/bot  held by {name} (this one)  epoch 1\n", text.stdout)
        self.assertNotIn(" no\n", text.stdout)


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


class BotApiReplicasCase(ReplicasTestCase):
    """Replicas with the fake Bot API (`self.api`) serving TOKENS; none of
    their logs may hold a sanitizer's report."""

    TOKENS = (TOKEN, OTHER_TOKEN)

    def setUp(self):
        super().setUp()
        self.api = FakeBotApi(tokens=list(self.TOKENS)).start()

    def tearDown(self):
        try:
            for daemon in self.daemons:
                self.assertNotIn("AddressSanitizer", daemon.log())
        finally:
            self.api.stop()
            super().tearDown()


class LinkCodesCase(BotApiReplicasCase):
    """REPLICAS replicas running one bot against the fake Bot API; ROUNDS
    codes, each redeemed REDEEMERS times at once through all of them."""

    REPLICAS = 2
    ROUNDS = 100
    REDEEMERS = 20

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

    def redeem_rounds(self):
        """Every replica runs the bot the users talk to: the one holding its
        lease polls, and all serve the link routes over their sockets, as
        notifyctl uses them. Each round's code is redeemed at once through
        every replica in turn; exactly one redeemer should win, the others
        hear "invalid or expired code". (The rounds won through each
        replica, the rounds that went otherwise.)"""
        def telegram(i):
            return (f'[[plugin]]\nuse = "telegram"\nname = "bot"\ntoken_env = "TOKEN_A"\n'
                    f'api_base_url = "{self.api.base_url}"\n')

        replicas = self.replicas(telegram, count=self.REPLICAS, env={"TOKEN_A": TOKEN})
        for daemon in replicas:
            daemon.start()
        self.api.wait_for(lambda: self.api.calls("getMe"))
        chats = [5000 + i for i in range(self.ROUNDS + 1)]
        codes = self.issue_codes(chats)

        # A code the bot issued, redeemed on the last replica alone.
        status, body = replicas[-1].request("POST", "/api/telegram/verify", {"code": codes[chats[0]], "user": "first"})
        self.assertEqual(status, 200, body)

        wins, bad_rounds = [0] * len(replicas), []
        for round, chat in enumerate(chats[1:]):
            start = threading.Barrier(self.REDEEMERS)
            answers = [None] * self.REDEEMERS

            def redeem(i):
                daemon = replicas[i % len(replicas)]
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
            losers = [answers[i] for i in range(self.REDEEMERS) if i not in winners]
            if len(winners) != 1 or losers != [(400, {"error": "invalid or expired code"})] * (self.REDEEMERS - 1):
                bad_rounds.append(f"round {round}: {answers}")
                continue
            wins[winners[0] % len(replicas)] += 1

        # Every chat is linked once, whichever replica is asked.
        for daemon in replicas if not bad_rounds else []:
            status, body = daemon.request("GET", "/api/telegram/users")
            self.assertEqual(status, 200, body)
            self.assertEqual(sorted(user["chat_id"] for user in body["users"]), chats)
        for daemon in replicas:
            self.assertEqual(daemon.stop(), 0)
        return wins, bad_rounds


@unittest.skipUnless(BACKEND == "postgres", "needs the postgres ctest fixture (ctest -L postgres)")
class ReplicasShareTheLinkCodesTest(LinkCodesCase):
    def test_a_code_redeemed_20_times_at_once_through_two_replicas_links_once(self):
        wins, bad_rounds = self.redeem_rounds()
        self.assertEqual(bad_rounds, [])
        sys.stderr.write(f"redeem rounds won through replica 0 / 1: {wins[0]} / {wins[1]}\n")


if __name__ == "__main__":
    unittest.main()
