"""The exec trigger against the real daemon running as root: users' scripts
run as their owners with a clean environment, unsafe scripts are refused, a
script and its children die at the timeout, huge or garbage output is
recorded without harm, cooldown suppresses repeats, runs on demand work from
the socket and notifyctl, and `notifyctl run --local` behaves like the seed's
notify-runner. The test creates (and removes) its own Unix users and group."""

import json
import os
import pathlib
import pwd
import grp
import re
import secrets
import shutil
import subprocess
import time
import unittest

from harness import NOTIFYCTL, DaemonTestCase, as_user, request

HAVE_ROOT = os.geteuid() == 0 and shutil.which("useradd") and shutil.which("groupadd")


def record_lines(path):
    path = pathlib.Path(path)
    return path.read_text().split("\n")[:-1] if path.exists() else []


def process_ended(pid, timeout=5):
    """True once `pid` is gone or a zombie (orphans may wait for a reaper)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            return True
        if stat[stat.rindex(")") + 2] == "Z":
            return True
        time.sleep(0.05)
    return False


@unittest.skipUnless(HAVE_ROOT, "needs root and useradd/groupadd: the test creates Unix users whose scripts run as them")
class ExecTest(DaemonTestCase):
    @classmethod
    def setUpClass(cls):
        suffix = secrets.token_hex(3)
        cls.group = f"nd_team_{suffix}"
        cls.alice = f"nd_alice_{suffix}"
        cls.bob = f"nd_bob_{suffix}"
        cls.created_users = []
        cls.created_group = False
        try:
            subprocess.run(["groupadd", cls.group], check=True, capture_output=True)
            cls.created_group = True
            # alice is in the team group (found through users_group); bob is listed by name.
            for user, extra in ((cls.alice, ["-G", cls.group]), (cls.bob, [])):
                subprocess.run(["useradd", "-m", "-s", "/bin/sh", *extra, user], check=True, capture_output=True)
                cls.created_users.append(user)
        except subprocess.CalledProcessError as error:
            cls.tearDownClass()
            raise unittest.SkipTest(f"cannot create test users: {error.stderr.decode(errors='replace').strip()}")

    @classmethod
    def tearDownClass(cls):
        for user in cls.created_users:
            subprocess.run(["userdel", "-r", "-f", user], capture_output=True)
        if cls.created_group:
            subprocess.run(["groupdel", cls.group], capture_output=True)

    def setUp(self):
        super().setUp()
        self.record = pathlib.Path(self.tmp) / "delivered.txt"
        for user in (self.alice, self.bob):
            home = pathlib.Path(pwd.getpwnam(user).pw_dir)
            for leftover in ("user", ".notifications", "child.pid", "ran-anyway"):
                path = home / leftover
                if path.is_dir():
                    shutil.rmtree(path)
                elif path.exists():
                    path.unlink()
        os.environ["NOTIFYD_TEST_LEAK"] = "daemon-only"
        try:
            self.daemon_ = self.fixture_daemon(
                f'[[plugin]]\nuse = "test_channel"\nname = "bot"\nrecord_file = "{self.record}"\n\n'
                f'[[plugin]]\nuse = "exec"\nname = "scripts"\nusers_group = "{self.group}"\nusers = ["{self.bob}"]\n'
                f'rescan_interval = "100ms"\ntimeout = "20s"\nkill_grace = "1s"\n'
            ).start()
        finally:
            del os.environ["NOTIFYD_TEST_LEAK"]

    def fixture_daemon(self, plugins, **kwargs):
        from test_lifecycle import LifecycleTest

        daemon = self.daemon(plugins, **kwargs)
        LifecycleTest.use_fixture_plugins(self, daemon)
        return daemon

    # --- helpers -------------------------------------------------------------------

    def home(self, user):
        return pathlib.Path(pwd.getpwnam(user).pw_dir)

    def script(self, user, name, code, mode=0o644, owner=None):
        """Writes ~user/user/notifications/<name>.py owned by `owner` (default: the user)."""
        entry = pwd.getpwnam(user)
        directory = self.home(user) / "user" / "notifications"
        for path in (directory.parent, directory):
            path.mkdir(exist_ok=True)
            os.chown(path, entry.pw_uid, entry.pw_gid)
            os.chmod(path, 0o755)
        path = directory / f"{name}.py"
        path.write_text(code)
        owner_entry = pwd.getpwnam(owner or user)
        os.chown(path, owner_entry.pw_uid, owner_entry.pw_gid)
        os.chmod(path, mode)
        self.wait_for(lambda: self.check_listed(user, name), message=f"{user}'s check {name} to be listed")
        return path

    def check_listed(self, user, name):
        status, body = self.daemon_.request("GET", f"/v1/checks?user={user}")
        self.assertEqual(status, 200, body)
        return any(check["name"] == name and check["user"] == user for check in body["checks"])

    def run_check(self, user, name, timeout=60):
        """Runs `user`'s check now, as root (an admin), and returns the run record."""
        status, body = self.daemon_.request("POST", f"/v1/checks/{name}/run?user={user}", timeout=timeout)
        self.assertEqual(status, 200, body)
        run = body["run"]
        self.assertEqual((run["check"], run["user"]), (name, user))
        return run

    def history(self, user):
        status, body = self.daemon_.request("GET", f"/v1/history?user={user}")
        self.assertEqual(status, 200, body)
        return body["notifications"]

    def notifyctl(self, user, *arguments, timeout=120):
        entry = pwd.getpwnam(user)
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": entry.pw_dir,
            "USER": user,
            "NOTIFYD_SOCKET": self.daemon_.socket_path,
            "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", ""),
        }
        return subprocess.run([NOTIFYCTL, *arguments], capture_output=True, text=True, env=env, cwd=entry.pw_dir,
                              user=entry.pw_uid, group=entry.pw_gid, extra_groups=[], timeout=timeout)

    # --- tests ---------------------------------------------------------------------

    def test_a_script_runs_as_its_owner_with_a_clean_environment(self):
        self.script(self.alice, "whoami", """\
import json, os
names = ["HOME", "USER", "LOGNAME", "PATH", "LANG", "MPLCONFIGDIR",
         "NOTIFYD_CHECK", "NOTIFYD_RUN_ID", "NOTIFYD_USER", "NOTIFYD_TEST_LEAK"]
print("progress lines before the result are fine")
print(json.dumps({"notify": True, "title": "whoami",
                  "message": f"uid={os.getuid()} euid={os.geteuid()} gid={os.getgid()}",
                  "data": {"env": dict(os.environ), "cwd": os.getcwd(), "groups": os.getgroups(),
                           "pid": os.getpid(), "pgid": os.getpgrp(), "sid": os.getsid(0)}}))
""")
        entry = pwd.getpwnam(self.alice)
        run = self.run_check(self.alice, "whoami")
        self.assertEqual(run["outcome"], "notified", run)
        self.assertEqual(run["exit_code"], 0)
        notification = next(n for n in self.history(self.alice) if n["id"] == run["notification_id"])
        self.assertEqual(notification["message"], f"uid={entry.pw_uid} euid={entry.pw_uid} gid={entry.pw_gid}")
        self.assertEqual(notification["source"], "whoami")
        data = notification["data"]
        self.assertEqual(data["env"], {
            "HOME": entry.pw_dir, "USER": self.alice, "LOGNAME": self.alice, "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8", "MPLCONFIGDIR": f"/tmp/mpl_{self.alice}", "NOTIFYD_CHECK": "whoami",
            "NOTIFYD_RUN_ID": str(run["id"]), "NOTIFYD_USER": self.alice,
        })
        self.assertEqual(data["cwd"], entry.pw_dir)
        self.assertEqual(set(data["groups"]), {entry.pw_gid, grp.getgrnam(self.group).gr_gid})
        self.assertEqual(data["pgid"], data["pid"], "the script leads its own process group")
        self.assertEqual(data["sid"], data["pid"], "and its own session")
        self.wait_for(lambda: record_lines(self.record), message="delivery")
        self.assertEqual(record_lines(self.record), [f"{run['notification_id']} 1 {self.alice}"])

    def test_a_script_sets_priority_and_tags_and_old_scripts_keep_the_default(self):
        self.script(self.alice, "disk", "import json\nprint(json.dumps({'notify': True, 'message': 'disk 99%', "
                                        "'priority': 'urgent', 'tags': ['disk', ' prod ']}))\n")
        self.script(self.alice, "report", "import json\nprint(json.dumps({'notify': True, 'message': 'weekly', "
                                          "'priority': 2, 'tags': ['report']}))\n")
        self.script(self.alice, "old", "import json\nprint(json.dumps({'notify': True, 'message': 'as before'}))\n")
        self.script(self.alice, "odd", "import json\nprint(json.dumps({'notify': True, 'message': 'odd', "
                                       "'priority': 'P1', 'tags': ['ok', 'a,b']}))\n")
        runs = {name: self.run_check(self.alice, name) for name in ("disk", "report", "old", "odd")}
        self.assertEqual({name: run["outcome"] for name, run in runs.items()},
                         dict.fromkeys(runs, "notified"), runs)
        by_id = {n["id"]: n for n in self.history(self.alice)}
        labels = {name: (by_id[run["notification_id"]]["priority"], by_id[run["notification_id"]]["tags"])
                  for name, run in runs.items()}
        self.assertEqual(labels, {"disk": (5, ["disk", "prod"]), "report": (2, ["report"]), "old": (3, []),
                                  "odd": (3, ["ok"])})
        self.assertIn('`priority` must be 1-5 or min, low, default, high, urgent (max), got "P1"; used the default',
                      runs["odd"]["detail"])
        self.assertIn('`tags`: tag "a,b" contains a comma; left it out', runs["odd"]["detail"])
        self.assertNotIn("warning", runs["disk"]["detail"])

        status, body = self.daemon_.request("GET", f"/v1/history?user={self.alice}&min_priority=high")
        self.assertEqual(status, 200, body)
        self.assertEqual([n["message"] for n in body["notifications"]], ["disk 99%"])
        status, body = self.daemon_.request("GET", f"/v1/history?user={self.alice}&tag=report")
        self.assertEqual([n["message"] for n in body["notifications"]], ["weekly"])

        # `notifyctl run --local` (the seed's runner) sends them too.
        self.script(self.alice, "local", "import json\nprint(json.dumps({'notify': True, 'message': 'local one', "
                                         "'priority': 'high', 'tags': ['cli']}))\n")
        ran = self.notifyctl(self.alice, "run", "--local", "local")
        self.assertEqual(ran.returncode, 0, ran.stdout + ran.stderr)
        sent = next(n for n in self.history(self.alice) if n["message"] == "local one")
        self.assertEqual((sent["priority"], sent["tags"]), (4, ["cli"]))

    def test_bob_listed_by_name_runs_as_bob(self):
        self.script(self.bob, "whoami", "import json, os\nprint(json.dumps({'notify': True, 'message': str(os.getuid())}))\n")
        run = self.run_check(self.bob, "whoami")
        self.assertEqual(run["outcome"], "notified", run)
        notification = next(n for n in self.history(self.bob) if n["id"] == run["notification_id"])
        self.assertEqual(notification["message"], str(pwd.getpwnam(self.bob).pw_uid))

    def test_unsafe_scripts_are_refused_and_never_run(self):
        marker = "import pathlib, os\npathlib.Path(os.environ['HOME'], 'ran-anyway').write_text('x')\nprint('{\"notify\": false}')\n"
        self.script(self.alice, "group_writable", marker, mode=0o664)
        self.script(self.alice, "from_bob", marker, owner=self.bob)
        self.script(self.alice, "world_writable", marker, mode=0o646)
        for name, reason in (("group_writable", "writable by its group (mode 0664)"),
                             ("from_bob", f"belongs to uid {pwd.getpwnam(self.bob).pw_uid}, not to {self.alice}"),
                             ("world_writable", "writable by others")):
            with self.subTest(name=name):
                run = self.run_check(self.alice, name)
                self.assertEqual(run["outcome"], "refused", run)
                self.assertIn(reason, run["detail"])
                self.assertIsNone(run["exit_code"])
        open_dir = self.home(self.alice) / "user" / "notifications"
        os.chmod(open_dir, 0o777)
        self.script(self.alice, "open_directory", marker)
        os.chmod(open_dir, 0o777)
        run = self.run_check(self.alice, "open_directory")
        self.assertEqual(run["outcome"], "refused", run)
        self.assertIn("writable by others without the sticky bit", run["detail"])
        self.assertFalse((self.home(self.alice) / "ran-anyway").exists(), "an unsafe script ran")
        self.assertEqual(self.history(self.alice), [])

    def test_a_script_that_sleeps_forever_is_killed_with_its_child_at_the_timeout(self):
        self.script(self.alice, "forever", """\
# notifyd: timeout=2
import os, signal, subprocess, sys, time
child = subprocess.Popen(["sleep", "1000"])
with open(os.path.join(os.environ["HOME"], "child.pid"), "w") as f:
    f.write(str(child.pid))
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("started child", child.pid, file=sys.stderr, flush=True)
while True:
    time.sleep(1)
""")
        status, body = self.daemon_.request("GET", f"/v1/checks?user={self.alice}")
        self.assertEqual(next(c for c in body["checks"] if c["name"] == "forever")["timeout_ms"], 2000)
        started = time.time()
        run = self.run_check(self.alice, "forever")
        elapsed = time.time() - started
        self.assertEqual(run["outcome"], "timeout", run)
        self.assertIn("killed with SIGKILL", run["detail"])
        self.assertIn("started child", run["stderr"])
        self.assertGreaterEqual(run["duration_ms"], 2900, "SIGTERM at 2 s, ignored, SIGKILL 1 s later")
        self.assertLess(elapsed, 10)
        child = int((self.home(self.alice) / "child.pid").read_text())
        self.assertTrue(process_ended(child), f"the script's child {child} survived the timeout")

    def test_ten_megabytes_of_stdout_are_cut_without_harm(self):
        self.script(self.alice, "flood", "import sys\nsys.stdout.write('x' * 10_000_000)\nsys.stderr.write('flooded\\n')\n")
        self.script(self.alice, "fine", "print('{\"notify\": false}')\n")
        started = time.time()
        run = self.run_check(self.alice, "flood")
        self.assertLess(time.time() - started, 20)
        self.assertEqual(run["outcome"], "bad_output", run)
        self.assertIn("cut at the output limit", run["detail"])
        self.assertEqual(run["stderr"], "flooded\n")
        self.assertEqual(self.daemon_.request("GET", "/health"), (200, {"status": "ok"}))
        self.assertEqual(self.run_check(self.alice, "fine")["outcome"], "quiet")

    def test_garbage_output_and_a_non_zero_exit_are_recorded_with_stderr(self):
        self.script(self.alice, "garbage", "import sys\nprint('hello, this is not JSON')\nsys.stderr.write('debug: about to print garbage\\n')\n")
        self.script(self.alice, "crash", "raise RuntimeError('boom')\n")
        garbage = self.run_check(self.alice, "garbage")
        self.assertEqual(garbage["outcome"], "bad_output", garbage)
        self.assertIn("not JSON", garbage["detail"])
        self.assertIn("debug: about to print garbage", garbage["stderr"])
        crash = self.run_check(self.alice, "crash")
        self.assertEqual(crash["outcome"], "failed", crash)
        self.assertEqual(crash["exit_code"], 1)
        self.assertIn("RuntimeError: boom", crash["stderr"])
        status, body = self.daemon_.request("GET", f"/v1/checks/crash/runs?user={self.alice}&limit=5")
        self.assertEqual(status, 200, body)
        self.assertEqual([r["id"] for r in body["runs"]], [crash["id"]])
        self.assertIn("RuntimeError: boom", body["runs"][0]["stderr"])

    def test_cooldown_suppresses_the_second_alert(self):
        self.script(self.alice, "alert", "import json\nprint(json.dumps({'notify': True, 'title': 'Revenue dropped', 'message': 'Today: $45k', 'cooldown': '1h'}))\n")
        first = self.run_check(self.alice, "alert")
        second = self.run_check(self.alice, "alert")
        self.assertEqual(first["outcome"], "notified", first)
        self.assertEqual(second["outcome"], "cooldown", second)
        self.assertIsNone(second["notification_id"])
        self.wait_for(lambda: record_lines(self.record), message="delivery")
        time.sleep(0.3)
        self.assertEqual(record_lines(self.record), [f"{first['notification_id']} 1 {self.alice}"])
        self.assertEqual(len(self.history(self.alice)), 1)

    def test_on_demand_runs_from_the_socket_and_from_notifyctl(self):
        self.script(self.alice, "quiet", "print('{\"notify\": false}')\n")
        self.script(self.alice, "crash", "import sys\nsys.exit('crashed on purpose')\n")
        self.script(self.bob, "secret", "print('{\"notify\": false}')\n")
        path = self.daemon_.socket_path

        status, body = as_user(self.alice, lambda: request(path, "POST", "/v1/checks/quiet/run", timeout=60))
        self.assertEqual(status, 200, body)
        self.assertEqual((body["run"]["user"], body["run"]["outcome"], body["run"]["trigger"]), (self.alice, "quiet", "manual"))
        status, body = as_user(self.alice, lambda: request(path, "POST", f"/v1/checks/secret/run?user={self.bob}"))
        self.assertEqual(status, 403, body)
        status, body = as_user(self.alice, lambda: request(path, "POST", "/v1/checks/nothing/run"))
        self.assertEqual(status, 404, body)

        ran = self.notifyctl(self.alice, "run", "quiet")
        self.assertEqual(ran.returncode, 0, ran.stderr)
        self.assertEqual(ran.stdout, "quiet: quiet\n")
        ran_all = self.notifyctl(self.alice, "run")
        self.assertEqual(ran_all.returncode, 1, ran_all.stderr)
        self.assertIn("crash: failed (exit 1)", ran_all.stdout)
        self.assertIn("  | crashed on purpose", ran_all.stdout)
        self.assertIn("quiet: quiet", ran_all.stdout)
        self.assertNotIn("secret", ran_all.stdout)

        checks = self.notifyctl(self.alice, "checks")
        self.assertEqual(checks.returncode, 0, checks.stderr)
        lines = checks.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["NAME", "LAST", "RUN", "OUTCOME", "NEXT", "RUN"])
        self.assertEqual(sorted(line.split()[0] for line in lines[1:]), ["crash", "quiet"])
        self.assertIn("failed", next(line for line in lines if line.startswith("crash")))

        logs = self.notifyctl(self.alice, "logs", "crash", "--limit", "5")
        self.assertEqual(logs.returncode, 0, logs.stderr)
        self.assertIn("failed  exit 1", logs.stdout)
        self.assertIn("  | crashed on purpose", logs.stdout)

    def test_notifyctl_run_local_behaves_like_the_seed_runner(self):
        self.script(self.alice, "alert", "import json\nprint(json.dumps({'notify': True, 'title': 'Revenue dropped 25%', 'message': 'Today: $45k | 7d avg: $60k', 'cooldown': '1h'}))\n")
        self.script(self.alice, "quiet", "import os, json\nprint(json.dumps({'notify': False, 'data': {'uid': os.getuid()}}))\n")
        self.script(self.alice, "crash", "raise SystemExit('crashed on purpose')\n")
        home = self.home(self.alice)
        before = time.time()

        first = self.notifyctl(self.alice, "run", "--local")
        self.assertEqual(first.returncode, 0, "the old runner exited 0 when a script failed: " + first.stdout + first.stderr)
        lines = first.stdout.splitlines()
        self.assertEqual(lines[0], "alert: notification sent")
        self.assertEqual(lines[1], "crash: failed with exit status 1")
        self.assertEqual(lines[2], "  | crashed on purpose")
        self.assertEqual(lines[3], "quiet: nothing to report")

        notifications = self.history(self.alice)
        self.assertEqual(len(notifications), 1)
        self.assertEqual(notifications[0]["message"], "*Revenue dropped 25%*\nToday: $45k | 7d avg: $60k")
        state = home / ".notifications" / "state" / "alert.json"
        last_sent = json.loads(state.read_text())["last_sent"]
        self.assertIsInstance(last_sent, int)
        self.assertGreaterEqual(last_sent, int(before))
        self.assertEqual(state.stat().st_uid, pwd.getpwnam(self.alice).pw_uid)
        self.assertFalse((home / ".notifications" / "state" / "quiet.json").exists())
        log = (home / ".notifications" / "logs" / "runner.log").read_text().splitlines()
        stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \[notify-runner\] "
        expected = [
            "INFO: Starting notify-runner for user '" + self.alice + "'",
            "INFO: Found 3 script(s)",
            "INFO: Running alert...",
            "INFO: alert: notification sent",
            "INFO: Running crash...",
            "ERROR: crash: failed with exit status 1",
            "ERROR: crash: stderr: crashed on purpose",
            "INFO: Running quiet...",
            "INFO: quiet: nothing to report",
            "INFO: Done",
        ]
        self.assertEqual(len(log), len(expected), log)
        for line, text in zip(log, expected):
            self.assertRegex(line, "^" + stamp + re.escape(text) + "$")

        second = self.notifyctl(self.alice, "run", "--local", "alert")
        self.assertEqual(second.returncode, 0, second.stdout + second.stderr)
        self.assertRegex(second.stdout, r"^alert: in cooldown for another (60m|1h) \(cooldown 1h\)\n$")
        self.assertEqual(len(self.history(self.alice)), 1)
        self.assertEqual(json.loads(state.read_text())["last_sent"], last_sent)
        self.assertIn("INFO: alert: in cooldown", (home / ".notifications" / "logs" / "runner.log").read_text())

        unreachable = self.notifyctl(self.alice, "--socket", f"{self.tmp}/none.sock", "run", "--local", "alert")
        self.assertEqual(unreachable.returncode, 0, "in cooldown, nothing needs the daemon")
        state.unlink()
        unreachable = self.notifyctl(self.alice, "--socket", f"{self.tmp}/none.sock", "run", "--local", "alert")
        self.assertEqual(unreachable.returncode, 2, unreachable.stdout + unreachable.stderr)
        self.assertIn("alert: failed to send notification: cannot connect", unreachable.stdout)
        self.assertFalse(state.exists(), "the state is written only after the daemon accepted the notification")

    LEAVES_PROCESSES_BEHIND = """\
import json, os, subprocess, sys, time
escaped = subprocess.Popen(["setsid", "sleep", "1000"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
reader, writer = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.write(writer, str(os.getpid()).encode())
        null = os.open("/dev/null", os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        time.sleep(1000)
    os._exit(0)
os.wait()
os.close(writer)
print(escaped.pid, int(os.read(reader, 32)), file=sys.stderr)
print(json.dumps({"notify": False}))
"""

    def assert_run_leaves_nothing(self, daemon):
        status, body = daemon.request("POST", f"/v1/checks/leaves/run?user={self.alice}", timeout=60)
        self.assertEqual(status, 200, body)
        run = body["run"]
        self.assertEqual(run["outcome"], "quiet", run)
        pids = [int(pid) for pid in run["stderr"].split()]
        self.assertEqual(len(pids), 2, run)
        try:
            for pid in pids:
                self.assertTrue(process_ended(pid), f"process {pid} outlived its run")
        finally:
            for pid in pids:
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass

    def test_a_run_leaves_nothing_behind_with_or_without_cgroups(self):
        self.script(self.alice, "leaves", self.LEAVES_PROCESSES_BEHIND)
        self.assertRegex(self.daemon_.log(), r"each run gets a cgroup of its own under |runs get no cgroups \(")
        self.assert_run_leaves_nothing(self.daemon_)

        from harness import Daemon
        self.assertEqual(self.daemon_.stop(), 0)
        (pathlib.Path(self.tmp) / "sweep").mkdir()
        sweep = Daemon(pathlib.Path(self.tmp) / "sweep",
                       f'[[plugin]]\nuse = "exec"\nname = "scripts"\nusers = ["{self.alice}"]\ncgroups = false\n'
                       f'rescan_interval = "100ms"\n')
        self.daemons.append(sweep)
        sweep.start()
        self.assertIn("runs get no cgroups (cgroups = false)", sweep.log())
        self.wait_for(lambda: '"leaves"' in json.dumps(sweep.request("GET", f"/v1/checks?user={self.alice}")[1]),
                      message="the script to be listed")
        self.assert_run_leaves_nothing(sweep)

    def test_the_daemon_stops_running_scripts_at_shutdown(self):
        self.script(self.alice, "forever", "import time\nwhile True:\n    time.sleep(1)\n")
        import threading

        result = {}
        thread = threading.Thread(target=lambda: result.update(answer=self.daemon_.request(
            "POST", f"/v1/checks/forever/run?user={self.alice}", timeout=30)))
        thread.start()
        self.wait_for(lambda: subprocess.run(["pgrep", "-u", self.alice, "-f", "forever.py"], capture_output=True).returncode == 0,
                      message="the script to start")
        started = time.time()
        self.assertEqual(self.daemon_.stop(), 0)
        self.assertLess(time.time() - started, 10)
        thread.join(30)
        self.assertNotEqual(subprocess.run(["pgrep", "-u", self.alice, "-f", "forever.py"], capture_output=True).returncode, 0,
                            "the script outlived the daemon")


if __name__ == "__main__":
    unittest.main()
