"""The cron trigger schedules the checks the host lists: a schedule fires on
time, a slot missed while the daemon was down runs once at the next start, a
check slower than its period gets `skipped` runs instead of overlapping, an
invalid schedule is logged and left out, and `notifyctl cron next` prints the
next fire times."""

import json
import os
import pathlib
import pwd
import secrets
import shutil
import subprocess
import time
import unittest

from harness import FIXTURE_DIR, NOTIFYCTL, PLUGIN_DIR, DaemonTestCase


class CronTest(DaemonTestCase):
    def start_daemon(self, checks, delay="0s", cron_extra=""):
        self.record = pathlib.Path(self.tmp) / "record.txt"
        listed = ", ".join(json.dumps(check) for check in checks)
        daemon = self.daemon(
            "[[plugin]]\n"
            'use = "counting_checks"\n'
            'name = "fixture"\n'
            'user = "alice"\n'
            f"checks = [{listed}]\n"
            f'delay = "{delay}"\n'
            f'record_file = "{self.record}"\n'
            "\n[[plugin]]\n"
            'use = "cron"\n'
            'name = "scheduler"\n'
            'refresh_interval = "1s"\n'
            f"{cron_extra}\n"
        )
        self.use_fixture_plugins(daemon)
        return daemon.start()

    def use_fixture_plugins(self, daemon):
        combined = pathlib.Path(self.tmp) / "plugins"
        combined.mkdir(exist_ok=True)
        for directory in (PLUGIN_DIR, FIXTURE_DIR):
            for library in pathlib.Path(directory).glob("notifyd_*.so"):
                target = combined / library.name
                if not target.exists():
                    os.symlink(library.resolve(), target)
        daemon.config_path.write_text(
            daemon.config_path.read_text().replace(f'plugin_dir = "{PLUGIN_DIR}"', f'plugin_dir = "{combined}"')
        )

    def recorded(self):
        """One (user, name, run_id, start_ms, end_ms) per finished execution."""
        if not self.record.exists():
            return []
        rows = []
        for line in self.record.read_text().splitlines():
            user, name, run_id, start, end = line.split()
            rows.append((user, name, int(run_id), int(start), int(end)))
        return rows

    def runs(self, daemon, name):
        status, body = daemon.request("GET", f"/v1/checks/{name}/runs?user=alice&limit=100")
        self.assertEqual(status, 200, body)
        return body["runs"]

    def test_a_schedule_fires_on_its_slots(self):
        daemon = self.start_daemon(["tick=@every 1s"])
        rows = self.wait_for(lambda: len(self.recorded()) >= 3 and self.recorded(), timeout=15, message="3 runs")
        starts = [row[3] for row in rows[:3]]
        for start in starts:
            self.assertLess(start % 1000, 900, "each run starts within its slot's second")
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        for gap in gaps:
            self.assertGreater(gap, 800, starts)
            self.assertLess(gap, 1200, starts)
        runs = self.runs(daemon, "tick")
        self.assertTrue(runs, "the host recorded the runs")
        self.assertTrue(all(run["trigger"] == "schedule" for run in runs), runs)
        self.assertIn("quiet", {run["outcome"] for run in runs})
        status, body = daemon.request("GET", "/v1/checks?user=alice")
        self.assertEqual(status, 200, body)
        [tick] = [check for check in body["checks"] if check["name"] == "tick"]
        self.assertIsNotNone(tick["next_run"], "the trigger published the next run")
        state = json.loads(daemon.read_document("cron_state.json"))
        self.assertIn("tick", state["checks"]["alice"])
        self.assertEqual(daemon.stop(), 0, daemon.log())
        self.assertNotIn("AddressSanitizer", daemon.log())

    def test_a_missed_slot_runs_once_after_downtime(self):
        daemon = self.start_daemon(["yearly=0 0 1 1 *", "fresh=0 0 1 1 *"])
        time.sleep(1.5)
        self.assertEqual(self.recorded(), [], "nothing is due this year yet")
        self.assertEqual(daemon.stop(), 0, daemon.log())

        two_years_ago = int(time.time()) - 2 * 366 * 86400
        daemon.write_document("cron_state.json",
                              json.dumps({"version": 1, "checks": {"alice": {"yearly": {"last_fire": two_years_ago}}}}))
        daemon.start()
        self.wait_for(lambda: self.recorded(), timeout=10, message="the catch-up run")
        time.sleep(2.5)
        rows = self.recorded()
        self.assertEqual([row[1] for row in rows], ["yearly"], "one run, not one per missed slot")
        self.assertRegex(daemon.log(), r"alice/yearly missed its run at \d{4}-01-01T00:00:00Z while notifyd was down; "
                                       r"running it once now")
        state = json.loads(daemon.read_document("cron_state.json"))
        self.assertGreater(state["checks"]["alice"]["yearly"]["last_fire"], time.time() - 60)
        self.assertEqual(daemon.stop(), 0, daemon.log())

        daemon.start()
        time.sleep(2.5)
        self.assertEqual(len(self.recorded()), 1, "the catch-up was recorded; a second restart runs nothing")
        self.assertEqual(daemon.stop(), 0, daemon.log())

    def test_a_check_slower_than_its_period_is_skipped_not_overlapped(self):
        daemon = self.start_daemon(["slow=@every 1s"], delay="2500ms")
        self.wait_for(lambda: len(self.recorded()) >= 2, timeout=20, message="two finished runs")
        runs = self.wait_for(
            lambda: [run for run in self.runs(daemon, "slow") if run["outcome"] == "skipped"] and self.runs(daemon, "slow"),
            timeout=10,
            message="a skipped run",
        )
        skipped = [run for run in runs if run["outcome"] == "skipped"]
        self.assertTrue(all(run["trigger"] == "schedule" for run in skipped), skipped)
        rows = self.recorded()
        for (_, _, _, _, end), (_, _, _, next_start, _) in zip(rows, rows[1:]):
            self.assertGreaterEqual(next_start, end - 5, rows)
        self.assertIn("was still running at its next slot; that run was skipped", daemon.log())
        self.assertEqual(daemon.stop(), 0, daemon.log())

    def test_an_invalid_schedule_is_logged_once_and_others_still_run(self):
        daemon = self.start_daemon(["broken=0 0 32 * *", "tick=@every 1s"])
        self.wait_for(lambda: len(self.recorded()) >= 2, timeout=15, message="tick runs")
        time.sleep(1.5)  # at least one more re-read of the check list
        message = ('check alice/broken is not scheduled: field 3 (day of month) "32" at column 5: '
                   "value out of range 1-31")
        self.assertEqual(daemon.log().count(message), 1, daemon.log())
        self.assertEqual({row[1] for row in self.recorded()}, {"tick"})
        self.assertEqual(daemon.stop(), 0, daemon.log())

    def test_the_default_schedule_applies_and_a_bad_one_stops_the_start(self):
        daemon = self.start_daemon(["script="], cron_extra='default_schedule = "@every 1s"')
        self.wait_for(lambda: self.recorded(), timeout=10, message="a run on the default schedule")
        self.assertEqual(daemon.stop(), 0, daemon.log())

        bad = self.daemon('[[plugin]]\nuse = "cron"\ndefault_schedule = "*/5 * * 13 *"\n')
        bad.start(wait=False)
        self.assertEqual(bad.process.wait(30), 1)
        bad.stdout.close()
        bad.stderr.close()
        self.assertIn('default_schedule: "*/5 * * 13 *": field 4 (month) "13" at column 9: value out of range 1-12',
                      bad.log())


@unittest.skipUnless(os.geteuid() == 0 and shutil.which("useradd"), "needs root and useradd: scripts run as their owner")
class CronExecTest(DaemonTestCase):
    """Users' scripts found by the exec plugin run on their header's schedule."""

    @classmethod
    def setUpClass(cls):
        cls.user = f"nd_cron_{secrets.token_hex(3)}"
        result = subprocess.run(["useradd", "-m", "-s", "/bin/sh", cls.user], capture_output=True)
        if result.returncode != 0:
            raise unittest.SkipTest(f"cannot create a test user: {result.stderr.decode(errors='replace').strip()}")

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["userdel", "-r", "-f", cls.user], capture_output=True)

    def script(self, name, header):
        entry = pwd.getpwnam(self.user)
        directory = pathlib.Path(entry.pw_dir) / "user" / "notifications"
        directory.mkdir(parents=True, exist_ok=True)
        for path in (directory.parent, directory):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        path = directory / f"{name}.py"
        path.write_text(f"{header}\nimport json\nprint(json.dumps({{'notify': False}}))\n")
        os.chown(path, entry.pw_uid, entry.pw_gid)
        os.chmod(path, 0o644)

    def test_a_scripts_header_schedule_is_followed_and_a_bad_one_is_logged(self):
        self.script("ticker", '# notifyd: schedule="@every 1s"')
        self.script("broken", '# notifyd: schedule="0 0 32 * *"')
        daemon = self.daemon(
            f'[[plugin]]\nuse = "exec"\nname = "scripts"\nusers = ["{self.user}"]\nrescan_interval = "200ms"\n\n'
            '[[plugin]]\nuse = "cron"\nname = "scheduler"\nrefresh_interval = "1s"\n'
        ).start()

        def scheduled_runs():
            status, body = daemon.request("GET", f"/v1/checks/ticker/runs?user={self.user}")
            runs = body.get("runs", []) if status == 200 else []
            return len([run for run in runs if run["trigger"] == "schedule"]) >= 2 and runs

        runs = self.wait_for(scheduled_runs, timeout=20, message="two scheduled runs of ticker")
        self.assertEqual({run["outcome"] for run in runs if run["trigger"] == "schedule"} - {"skipped"}, {"quiet"}, runs)
        self.wait_for(lambda: f"check {self.user}/broken is not scheduled: field 3 (day of month)" in daemon.log(),
                      timeout=10, message="the bad schedule in the log")
        self.assertEqual(daemon.stop(), 0, daemon.log())


class CronNextTest(unittest.TestCase):
    def notifyctl(self, *args):
        return subprocess.run([NOTIFYCTL, *args], capture_output=True, text=True, timeout=30,
                              env={**os.environ, "TZ": "UTC"})

    def test_prints_the_next_fire_times_as_utc_instants(self):
        result = self.notifyctl("cron", "next", "30 2 * * *", "--tz", "Europe/Berlin",
                                "--from", "2026-03-28T12:00:00Z", "-n", "3")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "2026-03-29T01:00:00Z\n2026-03-30T00:30:00Z\n2026-03-31T00:30:00Z\n")

    def test_defaults_to_five_times_from_now_in_the_local_zone(self):
        result = self.notifyctl("cron", "next", "@hourly")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 5)
        self.assertTrue(all(line.endswith(":00:00Z") for line in lines), lines)

    def test_an_invalid_expression_exits_64_with_the_field_and_column(self):
        result = self.notifyctl("cron", "next", "*/5 0 32 * *")
        self.assertEqual(result.returncode, 64)
        self.assertEqual(result.stdout, "")
        self.assertIn('field 3 (day of month) "32" at column 7: value out of range 1-31', result.stderr)
        never = self.notifyctl("cron", "next", "0 0 30 2 *")
        self.assertEqual(never.returncode, 64)
        self.assertIn("never fires", never.stderr)


if __name__ == "__main__":
    unittest.main()
