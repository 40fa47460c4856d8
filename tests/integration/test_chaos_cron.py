"""An `@every 1s` check on three replicas of one host group: each schedule
slot is claimed by one replica and runs exactly once, and no slot goes
unrun. Every run a replica recorded is matched by a slot it marked done.
Prints its figures. Runs in the `chaos` ctest label
(NOTIFYD_TEST_BACKEND=postgres)."""

import socket
import time
import unittest

from harness import BACKEND, figure, psql
from test_replica_checks import ReplicaChecksCase

SLOTS = 15
GROUP = "analytics-1"


@unittest.skipUnless(BACKEND == "postgres", "needs the postgres ctest fixture (ctest -L postgres)")
class ChaosCronTest(ReplicaChecksCase):
    def claims(self):
        """{slot: (state, replica)} of the tick's slot claims."""
        rows = psql(self.dsn, "SELECT split_part(key, '/', 5) || ' ' || convert_from(value, 'UTF8') FROM ephemeral "
                              f"WHERE key LIKE 'cron-slot/{GROUP}/alice/tick/%' AND key NOT LIKE '%/replaced'")
        found = {}
        for row in rows.splitlines():
            slot, state, replica = row.split(" ")
            found[int(slot)] = (state, replica)
        return found

    def test_each_slot_of_an_every_second_check_runs_once_on_three_replicas(self):
        replicas = self.start_replicas(["tick=@every 1s"], groups=(GROUP,) * 3)
        names = [f"{socket.gethostname()}:{daemon.process.pid}" for daemon in replicas]
        self.wait_for(lambda: sum(state == "done" for state, _ in self.claims().values()) >= SLOTS + 4, timeout=60,
                      message=lambda: f"{SLOTS + 4} slots done: {self.claims()}")
        stopping = int(time.time())
        for daemon in replicas:
            self.assertEqual(daemon.stop(), 0, daemon.log())

        claims = self.claims()
        # Before the stops began: every slot claimed (a stopping replica may leave one of its last).
        slots = sorted(slot for slot in claims if slot < stopping - 1)
        unrun = sorted(set(range(slots[0], slots[-1] + 1)) - set(slots))
        done = [sum(claim == ("done", name) for claim in claims.values()) for name in names]
        running = [sum(claim == ("run", name) for claim in claims.values()) for name in names]
        runs = [len(self.recorded(i, "tick")) for i in range(len(replicas))]
        name = "chaos cron"
        figure(name, "slots of an @every 1s check on 3 replicas", len(slots),
               f"{len(unrun)} unrun between the first and the last (target 0)")
        figure(name, "runs / slots marked done, per replica", " ; ".join(f"{r} / {d}" for r, d in zip(runs, done)),
               "target equal, or one more run whose done mark the stop cut short")
        figure(name, "runs per cron slot on 3 replicas", f"{sum(runs) / len(claims):.2f}", "target exactly 1")
        self.assertEqual(unrun, [])
        self.assertGreaterEqual(len(slots), SLOTS)
        for i in range(len(replicas)):
            self.assertGreaterEqual(runs[i], done[i], f"replica {i} marked a slot done it did not run: {claims}")
            self.assertLessEqual(runs[i], done[i] + running[i], f"replica {i} ran a slot it had not claimed: {claims}")


if __name__ == "__main__":
    unittest.main()
