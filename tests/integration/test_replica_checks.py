"""Checks on two notifyd replicas of one PostgreSQL: in one host group each
schedule slot runs on exactly one replica; when the replica running a slot
is killed (-9) mid-run, the other runs that slot once; replicas of different
host groups each run their own checks; a run asked on a replica of another
host group runs once on a replica of the check's group and its record comes
back, or a clear error when no replica of that group lives or when the one
running it dies; every replica lists every host group's checks (the socket
API, notifyctl, the dashboard), each marked with its group and whether a
replica of it is running. Runs in the `postgres` ctest label
(NOTIFYD_TEST_BACKEND=postgres), against the PostgreSQL of the fixture."""

import json
import pathlib
import signal
import subprocess
import sys
import threading
import time
import unittest

from harness import BACKEND, NOTIFYCTL, psql
from test_replicas import ReplicasTestCase
from test_webui import Dashboard

LEASE_TTL_S = 3


class ReplicaChecksCase(ReplicasTestCase):
    def start_replicas(self, checks, delay="0s", groups=("analytics-1", "analytics-1"), only_first=False,
                       owner="alice", extra=lambda i: ""):
        """A replica in each of host `groups` offering `owner`'s `checks`
        ("name=schedule") through the counting_checks fixture, scheduled by
        cron, and replica i the plugins `extra(i)` too; only the first offers
        any checks when `only_first`."""
        self.records = [pathlib.Path(self.tmp) / f"record{i}.txt" for i in range(len(groups))]

        def listed(i):
            return "" if only_first and i > 0 else ", ".join(f'"{check}"' for check in checks)

        replicas = self.replicas(lambda i: "[[plugin]]\n"
                                           'use = "counting_checks"\n'
                                           'name = "fixture"\n'
                                           f'user = "{owner}"\n'
                                           f"checks = [{listed(i)}]\n"
                                           f'delay = "{delay}"\n'
                                           f'record_file = "{self.records[i]}"\n\n'
                                           "[[plugin]]\n"
                                           'use = "cron"\n'
                                           'name = "scheduler"\n'
                                           'refresh_interval = "1s"\n\n' + extra(i), count=len(groups))
        for daemon, group in zip(replicas, groups):
            self.use_fixture_plugins(daemon)
            text = daemon.config_path.read_text()
            daemon.config_path.write_text(text.replace(
                'backend = "postgres"\n',
                f'backend = "postgres"\nhost_group = "{group}"\nlease_ttl = "{LEASE_TTL_S}s"\n'))
        for daemon in replicas:
            daemon.start()
        return replicas

    def recorded(self, i, name=None):
        """Replica i's finished executions as (name, start_ms, end_ms)."""
        if not self.records[i].exists():
            return []
        rows = []
        for line in self.records[i].read_text().splitlines():
            _, check, _, start, end = line.split()
            if name is None or check == name:
                rows.append((check, int(start), int(end)))
        return rows


@unittest.skipUnless(BACKEND == "postgres", "needs the postgres ctest fixture (ctest -L postgres)")
class ReplicaChecksTest(ReplicaChecksCase):
    def test_each_slot_runs_on_one_replica_of_the_host_group(self):
        replicas = self.start_replicas(["tick=@every 1s"])
        both_up = time.time()
        time.sleep(12)
        ended = time.time()
        for daemon in replicas:
            self.assertEqual(daemon.stop(), 0, daemon.log())
        runs = sorted([start for _, start, _ in self.recorded(0, "tick")] +
                      [start for _, start, _ in self.recorded(1, "tick")])
        window = [start for start in runs if both_up * 1000 + 1500 <= start <= ended * 1000 - 1500]
        print(f"runs of an @every 1s check on 2 replicas over {(ended - both_up):.1f} s: "
              f"{len(self.recorded(0, 'tick'))} + {len(self.recorded(1, 'tick'))}", file=sys.stderr)
        gaps = [b - a for a, b in zip(runs, runs[1:])]
        # Both replicas wake at each second: two runs of one slot start a few ms apart.
        self.assertTrue(all(gap >= 300 for gap in gaps), f"two runs of one slot: starts {runs}")
        expected = int((ended - both_up) - 3)
        self.assertGreaterEqual(len(window), expected - 2, f"slots went unrun: {runs}")
        self.assertLessEqual(len(window), expected + 1, runs)
        for daemon in replicas:
            self.assertNotIn("AddressSanitizer", daemon.log())

    def test_a_slot_whose_replica_is_killed_mid_run_runs_once_on_the_other(self):
        replicas = self.start_replicas(["slow=* * * * *"], delay="8s")
        dsn = self.dsn

        def claimer():
            rows = psql(dsn, "SELECT key || ' ' || convert_from(value, 'UTF8') FROM ephemeral "
                             "WHERE key LIKE 'cron-slot/analytics-1/alice/slow/%' AND key NOT LIKE '%/replaced' "
                             "AND expires_at > clock_timestamp()")
            for row in rows.splitlines():
                key, state, replica = row.split(" ")
                if state == "run":
                    return key, replica
            return None

        key, holder = self.wait_for(claimer, timeout=75, message="a replica claiming the minute's slot")
        pids = [daemon.process.pid for daemon in replicas]
        killed = pids.index(int(holder.rsplit(":", 1)[1]))
        other = 1 - killed
        replicas[killed].process.send_signal(signal.SIGKILL)
        replicas[killed].process.wait()
        replicas[killed].ended_by_test = True
        killed_at = time.time()
        self.wait_for(lambda: self.recorded(other, "slow"), timeout=40,
                      message="the other replica running the slot again")
        took = time.time() - killed_at
        print(f"kill -9 of the claimer -> the slot ran to its end on the other replica after {took:.1f} s "
              f"(lease_ttl {LEASE_TTL_S} s, the check takes 8 s)", file=sys.stderr)
        self.assertIn("stopped before finishing it; running it here", replicas[other].log())
        done = psql(dsn, "SELECT convert_from(value, 'UTF8') FROM ephemeral WHERE key = :'key'", key=key).strip()
        self.assertEqual(done, f"done {holder.rsplit(':', 1)[0]}:{pids[other]}")
        # Long enough for a second replacement, well before the next minute's slot.
        slot = int(key.rsplit("/", 1)[1])
        time.sleep(max(0.0, min(3 * LEASE_TTL_S, slot + 55 - time.time())))
        self.assertEqual(len(self.recorded(other, "slow")), 1, self.recorded(other, "slow"))
        self.assertEqual(self.recorded(killed, "slow"), [], "the killed replica never finished its run")
        self.assertEqual(replicas[other].stop(), 0, replicas[other].log())

    def test_replicas_of_different_host_groups_each_run_their_own(self):
        replicas = self.start_replicas(["tick=@every 1s"], groups=("analytics-1", "analytics-2"))
        self.wait_for(lambda: len(self.recorded(0, "tick")) >= 4 and len(self.recorded(1, "tick")) >= 4, timeout=30,
                      message="both host groups running their tick")
        status, body = replicas[1].request("POST", "/v1/checks/elsewhere/run?user=alice")
        self.assertEqual(status, 404, body)
        self.assertEqual(body["error"], 'no check named "elsewhere" for alice in any host group')
        for daemon in replicas:
            self.assertEqual(daemon.stop(), 0, daemon.log())
        for i in range(2):
            starts = [start for _, start, _ in self.recorded(i, "tick")]
            gaps = [b - a for a, b in zip(starts, starts[1:])]
            self.assertTrue(all(gap >= 300 for gap in gaps), f"replica {i} ran a slot twice: {starts}")


@unittest.skipUnless(BACKEND == "postgres", "needs the postgres ctest fixture (ctest -L postgres)")
class ForwardedRunsTest(ReplicaChecksCase):
    """Replica 0 (analytics-1) holds alice's `report`; replica 1 (analytics-2) does not."""

    def start_groups(self, delay, **kwargs):
        # Never scheduled while the test runs: every run is asked for.
        replicas = self.start_replicas(["report=0 0 1 1 *"], delay=delay, groups=("analytics-1", "analytics-2"),
                                       only_first=True, **kwargs)
        self.wait_for(lambda: '"report"' in (replicas[1].read_document("check-catalogue.json") or ""), timeout=30,
                      message="analytics-1 publishing its checks")
        self.wait_for(lambda: len(self.health(replicas[1])["cluster"]["replicas"]) == 2, timeout=30,
                      message="analytics-2 seeing the replica of analytics-1")
        return replicas

    def health(self, daemon):
        status, body = daemon.request("GET", "/v1/health")
        self.assertEqual(status, 200, body)
        return body

    def executions(self, i):
        """Replica i's finished executions of `report` as run ids."""
        if not self.records[i].exists():
            return []
        return [int(line.split()[2]) for line in self.records[i].read_text().splitlines() if line.split()[1] == "report"]

    def test_a_run_asked_on_the_other_groups_replica_runs_once_there_and_answers_the_asker(self):
        replicas = self.start_groups("1s")
        asked = time.time()
        status, body = replicas[1].request("POST", "/v1/checks/report/run?user=alice", timeout=60)
        took = time.time() - asked
        self.assertEqual(status, 200, body)
        run = body["run"]
        self.assertEqual((run["check"], run["user"], run["outcome"], run["exit_code"]), ("report", "alice", "quiet", 0))
        self.assertTrue(run["trigger"].startswith("manual"), run)
        self.assertGreaterEqual(run["duration_ms"], 1000)
        print(f"a run asked on analytics-2, run on analytics-1 (1 s check): answered after {took:.2f} s",
              file=sys.stderr)
        self.assertEqual(self.executions(0), [run["id"]])
        self.assertEqual(self.executions(1), [])
        self.assertIn("running report of alice for ", replicas[0].log())
        status, body = replicas[1].request("GET", "/v1/checks/report/runs?user=alice")
        self.assertEqual(status, 200, body)
        self.assertEqual([r["id"] for r in body["runs"]], [run["id"]])
        self.assertEqual(psql(self.dsn, "SELECT count(*) FROM ephemeral WHERE key LIKE 'check-%/%' "
                                        "AND key NOT LIKE 'check-run/%' AND expires_at > clock_timestamp()").strip(),
                         "0", "a request, claim or answer left behind")
        for daemon in replicas:
            self.assertEqual(daemon.stop(), 0, daemon.log())
            self.assertNotIn("AddressSanitizer", daemon.log())

    def checks(self, daemon, user="alice"):
        status, body = daemon.request("GET", f"/v1/checks?user={user}")
        self.assertEqual(status, 200, body)
        return body["checks"]

    def test_every_replica_lists_the_other_groups_checks_with_their_group_and_whether_it_runs(self):
        replicas = self.start_groups("0s")
        listed = self.checks(replicas[1])
        self.assertEqual(len(listed), 1, listed)
        report = listed[0]
        self.assertEqual((report["name"], report["user"], report["schedule"], report["provider"]),
                         ("report", "alice", "0 0 1 1 *", ""))
        self.assertEqual((report["host_group"], report["elsewhere"], report["group_running"]),
                         ("analytics-1", True, True))
        self.assertIsNone(report["last_run"])
        own = self.checks(replicas[0])
        self.assertEqual([(c["name"], c["host_group"], c["elsewhere"]) for c in own], [("report", "analytics-1", False)])
        self.assertEqual(self.checks(replicas[1], "bob"), [], "another user's checks")

        status, body = replicas[1].request("POST", "/v1/checks/report/run?user=alice", timeout=60)
        self.assertEqual(status, 200, body)
        # Its last run comes from the shared store.
        self.assertEqual(self.checks(replicas[1])[0]["last_run"]["id"], body["run"]["id"])
        table = subprocess.run([NOTIFYCTL, "--socket", replicas[1].socket_path, "checks", "--user", "alice"],
                               capture_output=True, text=True, timeout=30)
        self.assertEqual(table.returncode, 0, table.stderr)
        self.assertRegex(table.stdout, r"^NAME +LAST RUN +OUTCOME +NEXT RUN +HOST GROUP\n")
        self.assertRegex(table.stdout, r"\nreport +\S.* +quiet +- +analytics-1\n")

        self.assertEqual(replicas[0].stop(), 0, replicas[0].log())
        self.wait_for(lambda: not self.checks(replicas[1])[0]["group_running"], timeout=30,
                      message="analytics-2 listing analytics-1 as without a live replica")
        table = subprocess.run([NOTIFYCTL, "--socket", replicas[1].socket_path, "checks", "--user", "alice"],
                               capture_output=True, text=True, timeout=30)
        self.assertIn("analytics-1 (no replica running)", table.stdout)
        self.assertEqual(replicas[1].stop(), 0, replicas[1].log())

    def test_the_dashboard_of_another_group_lists_and_runs_the_check_for_its_owner_only(self):
        replicas = self.start_groups("0s", owner="root", extra=lambda i: (
            '[[plugin]]\nuse = "webui"\nname = "web"\nlisten = "127.0.0.1:0"\nauth = "link"\n' if i == 1 else ""))
        web = Dashboard(self, daemon=replicas[1])
        cookie, csrf = web.sign_in()
        status, _, page = web.get("/checks", headers={"Cookie": cookie})
        self.assertEqual(status, 200)
        page = page.decode()
        self.assertIn('data-check="report"', page)
        self.assertIn("Host group</dt><dd>analytics-1</dd>", page)
        headers = {"Cookie": cookie, "Content-Type": "application/json", "X-CSRF-Token": csrf}
        status, _, body = web.post("/v1/checks/report/run", headers=headers, timeout=60)
        self.assertEqual(status, 200, body)
        run = json.loads(body)["run"]
        self.assertEqual((run["check"], run["user"], run["outcome"]), ("report", "root", "quiet"))
        self.assertEqual(self.executions(0), [run["id"]])

        # Another user sees none of it, and cannot run it.
        cookie, csrf = web.sign_in("nobody")
        status, _, page = web.get("/checks", headers={"Cookie": cookie})
        self.assertEqual(status, 200)
        self.assertNotIn('data-check="report"', page.decode())
        status, _, body = web.post("/v1/checks/report/run", timeout=30,
                                   headers={"Cookie": cookie, "Content-Type": "application/json", "X-CSRF-Token": csrf})
        self.assertEqual(status, 404, body)
        self.assertEqual(self.executions(0), [run["id"]])
        for daemon in replicas:
            self.assertEqual(daemon.stop(), 0, daemon.log())

    def test_a_run_for_a_group_without_a_live_replica_fails_at_once(self):
        replicas = self.start_groups("0s")
        self.assertEqual(replicas[0].stop(), 0, replicas[0].log())
        self.wait_for(lambda: len(self.health(replicas[1])["cluster"]["replicas"]) == 1, timeout=30,
                      message="analytics-2 seeing analytics-1 gone")
        asked = time.time()
        status, body = replicas[1].request("POST", "/v1/checks/report/run?user=alice", timeout=60)
        took = time.time() - asked
        self.assertEqual(status, 503, body)
        self.assertEqual(body["error"], 'report of alice runs in host group "analytics-1", where no replica is running now')
        self.assertLess(took, 2, "the answer waited")
        self.assertEqual(self.executions(1), [])
        self.assertEqual(replicas[1].stop(), 0, replicas[1].log())

    def test_the_asker_hears_when_the_replica_running_its_run_is_killed_and_it_is_not_run_again(self):
        replicas = self.start_groups("8s")
        answer = {}

        def ask():
            answer["reply"] = replicas[1].request("POST", "/v1/checks/report/run?user=alice", timeout=90)
            answer["at"] = time.time()

        asker = threading.Thread(target=ask)
        asker.start()
        claimer = self.wait_for(lambda: psql(self.dsn, "SELECT convert_from(value, 'UTF8') FROM ephemeral "
                                                       "WHERE key LIKE 'check-claim/%' "
                                                       "AND expires_at > clock_timestamp()").strip(),
                                timeout=30, message="analytics-1 claiming the run")
        self.assertEqual(int(claimer.rsplit(":", 1)[1]), replicas[0].process.pid)
        replicas[0].process.send_signal(signal.SIGKILL)
        replicas[0].process.wait()
        replicas[0].ended_by_test = True
        killed_at = time.time()
        asker.join(90)
        self.assertFalse(asker.is_alive())
        status, body = answer["reply"]
        took = answer["at"] - killed_at
        print(f"kill -9 of the replica running a forwarded run -> the asker heard after {took:.1f} s "
              f"(lease_ttl {LEASE_TTL_S} s)", file=sys.stderr)
        # It may have run: the answer is a gateway timeout, not "try again".
        self.assertEqual(status, 504, body)
        self.assertEqual(body["error"], f'the run of report of alice was taken by {claimer} (host group "analytics-1"), '
                                        "which stopped before answering; it is not run again")
        self.assertLess(took, 2 * LEASE_TTL_S + 3)
        # Longer than the check takes: nothing runs it again anywhere.
        time.sleep(9)
        self.assertEqual(self.executions(0), [])
        self.assertEqual(self.executions(1), [])
        self.assertEqual(psql(self.dsn, "SELECT count(*) FROM ephemeral WHERE key LIKE 'check-request/%' "
                                        "AND expires_at > clock_timestamp()").strip(), "0")
        self.assertEqual(replicas[1].stop(), 0, replicas[1].log())


if __name__ == "__main__":
    unittest.main()
