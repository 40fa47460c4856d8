"""Two notifyd replicas on one PostgreSQL (each with its own data directory
and socket): both accept notifications at once, and a reader of `id > since`
on either never misses one. Runs in the `postgres` ctest label
(NOTIFYD_TEST_BACKEND=postgres), against the PostgreSQL of the fixture."""

import pathlib
import subprocess
import threading
import unittest

from harness import BACKEND, Daemon, DaemonTestCase

SENDERS_PER_REPLICA = 4
SENDS_PER_SENDER = 40
READERS_PER_REPLICA = 2


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
        self.dsn = pathlib.Path(str(daemons[0].data_dir) + ".dsn").read_text().strip()
        for daemon in daemons[1:]:
            pathlib.Path(str(daemon.data_dir) + ".dsn").write_text(self.dsn + "\n")
        return daemons

    def psql(self, sql):
        return subprocess.run(["psql", self.dsn, "-v", "ON_ERROR_STOP=1", "-tAc", sql], capture_output=True,
                              text=True, check=True, timeout=60).stdout.strip()


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
class ReplicasShareTheHistoryTest(ReplicasTestCase):
    def test_two_replicas_accept_at_once_and_a_reader_of_since_misses_nothing(self):
        replicas = self.replicas(lambda i: f'[[plugin]]\nuse = "test_channel"\nname = "desktop{i}"\n')
        for daemon in replicas:
            self.use_fixture_plugins(daemon)
            daemon.start()
        # Forced interleaving: replica 0's batches stay open up to 20 ms per
        # notification after they drew their ids, while replica 1 goes on.
        self.psql("CREATE FUNCTION test_hold_batch() RETURNS trigger LANGUAGE plpgsql AS "
                  "$$ BEGIN PERFORM pg_sleep(random() * 0.02); RETURN NEW; END $$")
        self.psql("CREATE TRIGGER test_hold_batch BEFORE INSERT ON deliveries FOR EACH ROW "
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
                for n in range(SENDS_PER_SENDER):
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
            for _ in range(READERS_PER_REPLICA):
                seen = []
                readers.append((index, seen, threading.Thread(target=read, args=(index, seen))))
        senders = [threading.Thread(target=send, args=(index, sender))
                   for index in range(len(replicas)) for sender in range(SENDERS_PER_REPLICA)]
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
        self.assertEqual(len(everything), len(replicas) * SENDERS_PER_REPLICA * SENDS_PER_SENDER)
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


if __name__ == "__main__":
    unittest.main()
