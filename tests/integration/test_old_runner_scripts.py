"""Scripts written for the seed's notify-runner that relied on its leniency
(an unknown cooldown, a title without a message, no `notify` key, empty
stdout, a missing image, nothing to send) run through the daemon and through
`notifyctl run --local` as the old runner ran them: what reaches the channel
(the console channel, JSON lines) is what the old runner sent, and each run
keeps a warning saying what to tidy. An image the script's owner cannot read
answers exactly like a missing one. The test creates (and removes) a Unix user."""

import json
import os
import pathlib
import pwd
import re
import secrets
import shutil
import subprocess
import unittest

from harness import NOTIFYCTL, DaemonTestCase

HAVE_ROOT = os.geteuid() == 0 and shutil.which("useradd")

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32

# name -> the script's stdout (None: prints nothing).
SCRIPTS = {
    "odd_cooldown": {"notify": True, "title": "Revenue dropped", "message": "Today: $45k", "cooldown": "soon"},
    "title_only": {"notify": True, "title": "Disk full"},
    "no_notify": {"title": "Revenue", "message": "fine"},
    "empty": None,
    "missing_image": {"notify": True, "message": "chart below", "image_path": "MISSING"},
    "root_image": {"notify": True, "message": "chart below", "image_path": "ROOT_ONLY"},
    "nothing": {"notify": True, "image_path": "MISSING"},
}


def unreadable(path, user):
    return f"`image_path` {path} cannot be read by {user} (it does not exist, or {user} may not read it); the image is left out"


@unittest.skipUnless(HAVE_ROOT, "needs root and useradd: the scripts run as a user of their own")
class OldRunnerScriptsTest(DaemonTestCase):
    @classmethod
    def setUpClass(cls):
        cls.alice = f"nd_lenient_{secrets.token_hex(3)}"
        try:
            subprocess.run(["useradd", "-m", "-s", "/bin/sh", cls.alice], check=True, capture_output=True)
        except subprocess.CalledProcessError as error:
            raise unittest.SkipTest(f"cannot create a test user: {error.stderr.decode(errors='replace').strip()}")

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["userdel", "-r", "-f", cls.alice], capture_output=True)

    def setUp(self):
        super().setUp()
        entry = pwd.getpwnam(self.alice)
        self.home = pathlib.Path(entry.pw_dir)
        for leftover in ("user", ".notifications"):
            shutil.rmtree(self.home / leftover, ignore_errors=True)
        # An image that does not exist, and one that exists but only root may read.
        self.missing = f"{self.tmp}/missing-chart.png"
        self.root_only = pathlib.Path(self.tmp) / "root-chart.png"
        self.root_only.write_bytes(PNG)
        os.chmod(self.root_only, 0o600)
        directory = self.home / "user" / "notifications"
        directory.mkdir(parents=True)
        for path in (directory.parent, directory):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        for name, output in SCRIPTS.items():
            text = json.dumps(output).replace("MISSING", self.missing).replace("ROOT_ONLY", str(self.root_only))
            code = "" if output is None else f"print({text!r})\n"
            path = directory / f"{name}.py"
            path.write_text(code)
            os.chown(path, entry.pw_uid, entry.pw_gid)
            os.chmod(path, 0o644)
        self.daemon_ = self.daemon(
            '[[plugin]]\nuse = "console"\nname = "console"\nformat = "json"\n\n'
            f'[[plugin]]\nuse = "exec"\nname = "scripts"\nusers = ["{self.alice}"]\nrescan_interval = "100ms"\n'
        ).start()

    def delivered(self):
        """What reached the console channel, one dict per notification."""
        return [json.loads(line) for line in self.daemon_.output().splitlines() if line.startswith("{")]

    def run_check(self, name):
        status, body = self.daemon_.request("POST", f"/v1/checks/{name}/run?user={self.alice}", timeout=60)
        self.assertEqual(status, 200, body)
        return body["run"]

    def notifyctl(self, *arguments):
        entry = pwd.getpwnam(self.alice)
        env = {"PATH": "/usr/bin:/bin", "HOME": entry.pw_dir, "USER": self.alice,
               "NOTIFYD_SOCKET": self.daemon_.socket_path, "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "")}
        return subprocess.run([NOTIFYCTL, *arguments], capture_output=True, text=True, env=env, cwd=entry.pw_dir,
                              user=entry.pw_uid, group=entry.pw_gid, extra_groups=[], timeout=120)

    def test_through_the_daemon(self):
        def listed():
            status, body = self.daemon_.request("GET", f"/v1/checks?user={self.alice}")
            return {check["name"] for check in body["checks"]} == set(SCRIPTS)

        self.wait_for(listed, message="the scripts to be listed")
        runs = {name: self.run_check(name) for name in SCRIPTS}
        outcomes = {name: run["outcome"] for name, run in runs.items()}
        self.assertEqual(outcomes, {
            "odd_cooldown": "notified", "title_only": "notified", "no_notify": "quiet", "empty": "quiet",
            "missing_image": "notified", "root_image": "notified", "nothing": "quiet",
        })
        warnings = {name: run["detail"].split("; warning: ")[1:] if run["outcome"] == "notified"
                    else [run["detail"].removeprefix("warning: ")] for name, run in runs.items()}
        self.assertEqual(warnings["odd_cooldown"], [
            "`cooldown` must be a number and m, h or d (e.g. 30m, 1h, 1d), got \"soon\"; used the default 1h"])
        self.assertEqual(warnings["title_only"], ["`message` is required when `notify` is true; the title is sent alone"])
        self.assertEqual(warnings["no_notify"], ["`notify` is missing; read as false, nothing sent (print \"notify\": false or true)"])
        self.assertEqual(warnings["empty"], ["stdout is empty; nothing to report (print {\"notify\": false} to say so)"])
        self.assertEqual(warnings["missing_image"], [unreadable(self.missing, self.alice)])
        self.assertEqual(warnings["root_image"], [unreadable(self.root_only, self.alice)],
                         "a file alice may not read answers like a missing one")
        self.assertEqual(runs["nothing"]["detail"].split("; warning: "), [
            "warning: `message` is required when `notify` is true; the image is sent alone",
            unreadable(self.missing, self.alice),
            "nothing to send: no `message`, no `title` and no readable image"])

        self.wait_for(lambda: len(self.delivered()) == 4, message="four notifications on the console")
        sent = {n["source"]: (n["title"], n["message"], n["image"]) for n in self.delivered()}
        self.assertEqual(sent, {
            "odd_cooldown": ("Revenue dropped", "Today: $45k", ""),
            "title_only": ("Disk full", "", ""),
            "missing_image": ("", "chart below", ""),
            "root_image": ("", "chart below", ""),
        })
        # The default 1h cooldown applies to the unknown one.
        self.assertEqual(self.run_check("odd_cooldown")["outcome"], "cooldown")

        # Quiet runs with warnings are no failures: no "is failing" alert, however many.
        for _ in range(3):
            self.assertEqual(self.run_check("no_notify")["outcome"], "quiet")
        status, history = self.daemon_.request("GET", f"/v1/history?user={self.alice}")
        self.assertEqual(status, 200, history)
        self.assertEqual(sorted(n["source"] for n in history["notifications"]),
                         ["missing_image", "odd_cooldown", "root_image", "title_only"])

        # The owner sees the warning where they look at runs.
        logs = self.notifyctl("logs", "no_notify", "--limit", "1")
        self.assertEqual(logs.returncode, 0, logs.stderr)
        self.assertIn("warning: `notify` is missing", logs.stdout)
        status, body = self.daemon_.request("GET", f"/v1/checks/empty/runs?user={self.alice}&limit=1")
        self.assertEqual(status, 200, body)
        self.assertTrue(body["runs"][0]["detail"].startswith("warning: stdout is empty"), body)

    def test_through_notifyctl_run_local(self):
        ran = self.notifyctl("run", "--local")
        self.assertEqual(ran.returncode, 0, ran.stdout + ran.stderr)
        self.wait_for(lambda: len(self.delivered()) == 4, message="four notifications on the console")
        # /send and /send_photo carry the old runner's text: "*title*" and the message joined by one newline.
        sent = sorted((n["title"], n["message"], n["image"]) for n in self.delivered())
        self.assertEqual(sent, sorted([
            ("", "*Revenue dropped*\nToday: $45k", ""),
            ("", "*Disk full*", ""),
            ("", "chart below", ""),
            ("", "chart below", ""),
        ]))

        log = (self.home / ".notifications" / "logs" / "runner.log").read_text().splitlines()
        stamp = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \[notify-runner\] "
        for line in log:
            self.assertRegex(line, stamp + r"(INFO|WARNING|ERROR): ")
        messages = [re.sub(stamp, "", line) for line in log]
        self.assertEqual(messages[:2], [f"INFO: Starting notify-runner for user '{self.alice}'", "INFO: Found 7 script(s)"])
        self.assertEqual(messages[-1], "INFO: Done")
        for expected in (
            "WARNING: odd_cooldown: `cooldown` must be a number and m, h or d (e.g. 30m, 1h, 1d), got \"soon\"; used the default 1h",
            "INFO: odd_cooldown: notification sent",
            "WARNING: title_only: `message` is required when `notify` is true; the title is sent alone",
            "INFO: title_only: notification sent",
            "WARNING: no_notify: `notify` is missing; read as false, nothing sent (print \"notify\": false or true)",
            "INFO: no_notify: nothing to report",
            "WARNING: empty: stdout is empty; nothing to report (print {\"notify\": false} to say so)",
            "WARNING: missing_image: " + unreadable(self.missing, self.alice),
            "INFO: missing_image: notification sent",
            "WARNING: root_image: " + unreadable(self.root_only, self.alice),
            "INFO: root_image: notification sent",
            "WARNING: nothing: " + unreadable(self.missing, self.alice),
            "WARNING: nothing: nothing to send: no `message`, no `title` and no readable image",
        ):
            self.assertIn(expected, messages)
        state = self.home / ".notifications" / "state"
        self.assertEqual(sorted(p.name for p in state.iterdir()),
                         ["missing_image.json", "odd_cooldown.json", "root_image.json", "title_only.json"])
        again = self.notifyctl("run", "--local", "odd_cooldown")
        self.assertRegex(again.stdout, r"^odd_cooldown: `cooldown` must be .*; used the default 1h\n"
                                        r"odd_cooldown: in cooldown for another (60m|1h) \(cooldown 1h\)\n$")


if __name__ == "__main__":
    unittest.main()
