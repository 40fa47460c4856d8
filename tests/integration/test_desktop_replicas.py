"""The desktop channel on two notifyd replicas sharing one PostgreSQL: an app
connected to either replica gets, live and once, every notification posted
through either; when its replica is killed it reconnects to the other with
`since` and misses nothing; the per-user connection limit counts both
replicas; health counts their connections, and each user once. Runs in the
`postgres` ctest label (NOTIFYD_TEST_BACKEND=postgres), with the strict
client of the seed's app."""

import socket
import sys
import threading
import time
import unittest

from harness import BACKEND, psql
from test_replicas import ReplicasTestCase
from test_websocket import SECRET, free_port
from ws_client import Closed, WsClient, make_token

LEASE_TTL_S = 3


@unittest.skipUnless(BACKEND == "postgres", "needs the postgres ctest fixture (ctest -L postgres)")
class DesktopReplicasCase(ReplicasTestCase):
    REPLICAS = 2

    def start_replicas(self, per_user=3):
        self.ports = [free_port() for _ in range(self.REPLICAS)]
        secret_file = f"{self.tmp}/jwt.secret"
        with open(secret_file, "w") as f:
            f.write(SECRET + "\n")

        def plugins(i):
            return (f'[[plugin]]\nuse = "websocket"\nname = "desk"\nlisten = "127.0.0.1:{self.ports[i]}"\n'
                    f'jwt_secret_file = "{secret_file}"\nauth_timeout = "5s"\nping_interval = "30s"\n'
                    f'max_connections_per_user = {per_user}\n')

        self.replicas_ = self.replicas(plugins, count=self.REPLICAS)
        for daemon in self.replicas_:
            text = daemon.config_path.read_text()
            daemon.config_path.write_text(text.replace('backend = "postgres"\n',
                                                       f'backend = "postgres"\nlease_ttl = "{LEASE_TTL_S}s"\n'))
            daemon.start()
        self.clients = []
        self.wait_for(lambda: all(self.desk(i)["figures"]["replicas"] == self.REPLICAS for i in range(self.REPLICAS)),
                      timeout=30, message="each replica counting all in health")
        return self.replicas_

    def tearDown(self):
        for client in getattr(self, "clients", []):
            client.close()
        try:
            for daemon in self.daemons:
                self.assertNotIn("AddressSanitizer", daemon.log())
        finally:
            super().tearDown()

    def desk(self, i):
        status, body = self.replicas_[i].request("GET", "/v1/health")
        self.assertEqual(status, 200, body)
        return next(channel for channel in body["channels"] if channel["channel"] == "desk")

    def connect(self, i, user="alice", since=None):
        """An app of `user` on replica i; (client, its first reply)."""
        client = WsClient(self.ports[i], timeout=10)
        self.clients.append(client)
        self.assertEqual(client.status, 101)
        client.auth(make_token(SECRET, user), since)
        return client, client.recv_json(timeout=15)

    def login(self, i, user="alice", since=None):
        client, reply = self.connect(i, user, since)
        self.assertEqual(reply["type"], "auth_ok", reply)
        return client, reply

    def notify(self, i, text, user="alice"):
        """Posts through replica i's socket; the id. Retries while the
        replica has not yet heard of the user's desktop token (the other
        replica recorded it when the app connected there)."""
        deadline = time.time() + 30
        while True:
            status, body = self.replicas_[i].request("POST", "/v1/notify", {"user": user, "message": text}, timeout=30)
            if status == 200 or time.time() > deadline:
                break
            time.sleep(0.1)
        self.assertEqual(status, 200, body)
        return body["id"]

    def receive(self, client, expected, timeout=60):
        """Frames until every id in `expected` came; then 1.5 s more to catch
        duplicates. The ids received, in order."""
        received = []
        deadline = time.time() + timeout
        while not expected.issubset(received):
            try:
                message = client.recv_json(max(deadline - time.time(), 0.001))
            except (socket.timeout, TimeoutError):
                logs = "".join(f"\n--- {daemon.workdir} ---\n{daemon.log()[-6000:]}" for daemon in self.daemons)
                self.fail(f"missing {sorted(expected - set(received))} after {len(received)} frames{logs}")
            if message["type"] == "notification":
                received.append(int(message["id"]))
        self.all_received_at = time.monotonic()
        quiet_until = time.time() + 1.5
        try:
            while True:
                message = client.recv_json(max(quiet_until - time.time(), 0.001))
                if message["type"] == "notification":
                    received.append(int(message["id"]))
        except (socket.timeout, TimeoutError):
            pass
        return received

    def undelivered(self, ids):
        listed = ",".join(str(i) for i in ids)
        return int(psql(self.dsn, f"SELECT count(*) FROM deliveries WHERE channel = 'desk' AND state <> 'delivered' "
                                  f"AND notification_id IN ({listed})").strip())


class DesktopOnEveryReplicaTest(DesktopReplicasCase):
    BURST = 40  # per replica

    def post_burst(self, label, replicas):
        accepted, failures = [], []

        def send(i):
            try:
                for n in range(self.BURST):
                    accepted.append(self.notify(i, f"{label} {i}/{n}"))
            except Exception as error:  # reported below
                failures.append(repr(error))

        threads = [threading.Thread(target=send, args=(i,)) for i in replicas]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
        self.assertEqual(failures, [])
        return accepted

    def test_an_app_on_one_replica_gets_every_notification_once_and_after_a_kill_reconnects_to_the_other(self):
        a, b = self.start_replicas()
        app, _ = self.login(1)
        self.wait_for(lambda: self.desk(0)["figures"]["cluster_connections"] == 1, timeout=15,
                      message="replica 0 counting the app on replica 1")
        self.assertEqual(self.desk(0)["figures"]["connections"], 0)

        first = self.notify(0, "first through replica 0")
        self.assertEqual(self.receive(app, {first}), [first])
        other_app, _ = self.login(0)  # the same user's second app, on the other replica
        burst = self.post_burst("live", (0, 1))
        posted = time.monotonic()
        accepted = [first] + burst
        received = [first] + self.receive(app, set(burst))
        print(f"{len(accepted)} notifications through both replicas -> the app on replica 1: "
              f"{len(set(accepted) - set(received))} missing, {len(received) - len(set(received))} duplicated, "
              f"the last {self.all_received_at - posted:.2f} s after the last was accepted", file=sys.stderr)
        self.assertEqual(sorted(received), sorted(accepted), "missing or duplicated frames")
        on_other = self.receive(other_app, set(burst))
        self.assertEqual(sorted(on_other), sorted(burst), "missing or duplicated frames on the app on replica 0")
        # Replica 0's outbox could not reach the app itself: replica 1 saying
        # it pushed those ids ends its retries, and history says delivered.
        self.wait_for(lambda: self.undelivered(accepted) == 0, timeout=30, message="every delivery recorded delivered")

        b.kill()
        with self.assertRaises(Closed):
            while True:
                app.recv_json(timeout=15)
        since = max(received)
        while_away = [self.notify(0, f"while away {n}") for n in range(20)]
        again, reply = self.login(0, since=since)
        self.assertEqual(reply.get("replayed"), len(while_away), reply)
        after = [self.notify(0, f"after {n}") for n in range(10)]
        got = self.receive(again, set(while_away + after))
        print(f"kill -9 of the app's replica, reconnect to the other with since: "
              f"{len(set(while_away + after) - set(got))} missing, {len(got) - len(set(got))} duplicated",
              file=sys.stderr)
        self.assertEqual(got, sorted(while_away + after))
        self.assertEqual(self.receive(other_app, set(while_away + after)), sorted(while_away + after))
        self.wait_for(lambda: self.undelivered(while_away + after) == 0, timeout=30,
                      message="the replayed and live deliveries recorded delivered")
        self.assertEqual(a.stop(), 0, a.log())

    def test_an_app_connecting_without_since_gets_what_the_other_replica_holds_pending(self):
        self.start_replicas()
        app, _ = self.login(1)
        app.close()
        self.wait_for(lambda: self.desk(1)["figures"]["connections"] == 0, message="the app gone")
        waiting = [self.notify(0, f"waiting {n}") for n in range(5)]
        app, _ = self.login(1)
        self.assertEqual(sorted(self.receive(app, set(waiting))), waiting)
        self.wait_for(lambda: self.undelivered(waiting) == 0, timeout=30, message="the deliveries recorded delivered")


class DesktopLimitAcrossReplicasTest(DesktopReplicasCase):
    def test_the_per_user_limit_counts_both_replicas_and_a_dead_replica_stops_counting_within_the_ttl(self):
        a, b = self.start_replicas(per_user=2)
        self.login(0)
        self.login(1)
        for i in (0, 1):
            _, reply = self.connect(i)
            self.assertEqual(reply, {"type": "auth_error", "message": "Too many connections",
                                     "reason": "at most 2 connections per user"})
        # Another user's slots are their own, and a closed connection gives its slot back.
        bob_on_a, _ = self.login(0, user="bob")
        self.login(1, user="bob")
        bob_on_a.close()
        self.wait_for(lambda: self.connect(1, user="bob")[1]["type"] == "auth_ok", timeout=15,
                      message="bob's connection on replica 1 once his one on replica 0 closed")
        self.wait_for(lambda: self.desk(1)["figures"]["cluster_connections"] == 4, timeout=15,
                      message="4 connections across both replicas in health")

        a.kill()  # alice's connection there keeps its slot until the ttl runs out
        killed = time.monotonic()
        _, reply = self.connect(1)
        self.assertEqual(reply["type"], "auth_error", reply)
        self.wait_for(lambda: self.connect(1)[1]["type"] == "auth_ok", timeout=LEASE_TTL_S + 10,
                      message="alice's second connection on replica 1 once the dead replica's slot expired")
        freed = time.monotonic() - killed
        self.wait_for(lambda: self.desk(1)["figures"]["replicas"] == 1, timeout=LEASE_TTL_S + 10,
                      message="the dead replica dropping out of health")
        print(f"kill -9 -> its connection slot free after {freed:.2f} s, out of health after "
              f"{time.monotonic() - killed:.2f} s (lease_ttl {LEASE_TTL_S} s)", file=sys.stderr)
        self.assertLess(freed, LEASE_TTL_S + 2)
        self.wait_for(lambda: self.desk(1)["figures"]["cluster_connections"] == 4, timeout=15,
                      message="replica 1's 4 connections in health")
        self.assertEqual(b.stop(), 0, b.log())

class DesktopUsersAcrossReplicasTest(DesktopReplicasCase):
    def test_a_user_with_apps_on_both_replicas_counts_once_in_the_cluster(self):
        self.start_replicas()
        self.login(0)
        self.login(1)
        bob, _ = self.login(1, user="bob")

        def cluster(i):
            figures = self.desk(i)["figures"]
            return figures["cluster_connections"], figures["cluster_users"]

        self.wait_for(lambda: cluster(0) == (3, 2) and cluster(1) == (3, 2), timeout=15,
                      message="3 connections of 2 users (alice on both replicas) in each replica's health")
        self.assertEqual([self.desk(i)["figures"]["users"] for i in (0, 1)], [1, 2])
        bob.close()
        self.wait_for(lambda: cluster(0) == (2, 1) and cluster(1) == (2, 1), timeout=15,
                      message="alice alone, on both replicas, counted once")


if __name__ == "__main__":
    unittest.main()
