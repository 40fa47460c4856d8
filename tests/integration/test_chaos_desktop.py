"""The desktop channel on three replicas under a steady stream of
notifications posted through all their sockets: the app's replica is killed
(-9), twice, and each time the app reconnects to another replica with
`since` (the last id it got) while the killed one is started again. Over
the whole stream no id is missing and none comes twice. Prints its figures.
Runs in the `chaos` ctest label (NOTIFYD_TEST_BACKEND=postgres)."""

import socket
import threading
import time
import unittest

from chaos_cluster import Senders
from harness import BACKEND, figure
from test_desktop_replicas import DesktopReplicasCase
from ws_client import Closed

NOTIFICATIONS = 600
POST_RATE = 20  # a second, through the three sockets
# (the replica the app is on and is killed, the replica it reconnects to),
# once this many ids have come in all
KILLS = ((0, 1, 150), (1, 2, 350))
WHILE_AWAY = 10  # notifications accepted between a kill and the app's reconnect


@unittest.skipUnless(BACKEND == "postgres", "needs the postgres ctest fixture (ctest -L postgres)")
class ChaosDesktopTest(DesktopReplicasCase):
    REPLICAS = 3

    def frames(self, client, received, until, timeout=60):
        """Reads the app's frames into `received` (notification ids, in the
        order they came) until `until()` holds; False when the server closed
        the connection first."""
        deadline = time.time() + timeout
        while not until():
            if time.time() > deadline:
                self.fail(f"timed out with {len(received)} frames{self.logs()}")
            try:
                message = client.recv_json(timeout=min(1.0, max(deadline - time.time(), 0.001)))
            except (socket.timeout, TimeoutError):
                continue
            except Closed:
                return False
            if message["type"] == "notification":
                received.append(int(message["id"]))
        return True

    def logs(self):
        return "".join(f"\n--- {daemon.workdir} ---\n{daemon.log()[-4000:]}" for daemon in self.daemons)

    def test_an_app_whose_replica_dies_reconnects_to_another_with_since_and_misses_nothing(self):
        replicas = self.start_replicas()
        app, _ = self.login(KILLS[0][0])
        # Every replica has heard of alice's desktop before the stream starts.
        ready = [self.notify(i, f"ready {i}") for i in range(self.REPLICAS)]
        senders = Senders(self, replicas, ["alice"], NOTIFICATIONS, per_replica=2, rate=POST_RATE).start()
        received = []
        reconnects = []
        for victim, successor, after in KILLS:
            self.assertTrue(self.frames(app, received, lambda: len(received) >= after),
                            "the app's connection closed before its replica was killed")
            replicas[victim].kill()
            self.frames(app, received, lambda: False, timeout=30)  # until the connection closes
            killed = time.monotonic()
            restart = threading.Thread(target=replicas[victim].start)
            restart.start()
            since = max(received)
            # The app comes back after its backoff, once the others accepted more.
            away_from = len(senders.ids)
            self.wait_for(lambda: len(senders.ids) >= away_from + WHILE_AWAY, timeout=60,
                          message="notifications accepted while the app is away")
            app, reply = self.login(successor, since=since)
            reconnects.append((victim, successor, time.monotonic() - killed, reply.get("replayed")))
            self.assertGreaterEqual(reply.get("replayed"), WHILE_AWAY, reply)
            restart.join(timeout=60)
            self.assertTrue(replicas[victim].process.poll() is None, "the killed replica did not start again")

        senders.join()
        accepted = set(senders.ids.values()) | set(ready)
        self.assertTrue(self.frames(app, received, lambda: accepted <= set(received), timeout=120),
                        "the app's connection closed")
        # Time for a duplicate to show.
        settle = time.monotonic() + 2
        self.frames(app, received, lambda: time.monotonic() > settle, timeout=30)
        missing = accepted - set(received)
        duplicated = len(received) - len(set(received))
        name = "chaos desktop"
        for victim, successor, took, replayed in reconnects:
            figure(name, f"kill -9 of the app's replica {victim} -> logged in on replica {successor} with since",
                   f"after {took:.2f} s, {replayed} replayed", f"at least {WHILE_AWAY} accepted meanwhile")
        figure(name, "notifications answered 200 through 3 replicas", len(accepted),
               f"{len(senders.refused)} sends not answered (a replica killed)")
        figure(name, "desktop ids missing after a replica dies and the app reconnects", len(missing), "target 0")
        figure(name, "desktop ids duplicated after a replica dies and the app reconnects", duplicated, "target 0")
        self.assertEqual(sorted(missing), [])
        self.assertEqual(duplicated, 0)
        for daemon in replicas:
            self.assertEqual(daemon.stop(), 0, daemon.log())


if __name__ == "__main__":
    unittest.main()
