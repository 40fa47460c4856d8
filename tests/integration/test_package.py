"""The Debian packages: CPack builds notifyd and notifyd-dev (the SDK) from
the build directory the tests run against, lintian finds no errors in them
(and, pedantic, no hardening or manual-page tags), they unpack into a fresh
root whose systemd unit passes `systemd-analyze verify`, they install with apt
into a clean Debian 12 root made with debootstrap where the unit passes
`systemd-analyze verify` too, and the daemon installed there starts outside
systemd with the shipped config (paths moved into the temp root), answers on
its socket, tells a fake systemd READY/RELOADING/STOPPING, and stops cleanly.

Needs cpack, dpkg-deb, lintian, systemd-analyze and debootstrap (`make test`
installs them: scripts/install-deps.sh --test); skipped with the reason when
one is missing. The clean root is made once per build directory
(package-test/debian12-minbase.tar) from the mirror the host's apt uses.
"""

import grp
import json
import os
import pathlib
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from harness import NOTIFYD, request

BUILD_DIR = pathlib.Path(os.environ.get("NOTIFYD_BUILD_DIR", pathlib.Path(NOTIFYD).resolve().parents[1]))
SHIPPED_PLUGINS = ("socket", "telegram", "exec", "cron", "webui", "metrics", "websocket")


def tool_missing(*tools):
    missing = [tool for tool in tools if shutil.which(tool) is None]
    return f"{', '.join(missing)} not installed (scripts/install-deps.sh --test installs it)" if missing else None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def apt_mirror():
    """The Debian archive the host's apt uses (deb822 or one-line sources), or None."""
    for path in [pathlib.Path("/etc/apt/sources.list"), *sorted(pathlib.Path("/etc/apt/sources.list.d").glob("*"))]:
        if not path.is_file() or path.suffix not in (".list", ".sources"):
            continue
        text = path.read_text(errors="replace")
        for uri in re.findall(r"(?m)^URIs:\s*(\S+)", text) + re.findall(r"(?m)^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+bookworm\s", text):
            if "security" not in uri:
                return uri
    return None


def sanitized_build():
    cache = BUILD_DIR / "CMakeCache.txt"
    return cache.exists() and re.search(r"(?m)^NOTIFYD_SANITIZE:BOOL=ON$", cache.read_text()) is not None


def run(command, timeout=600, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)


class PackageTest(unittest.TestCase):
    """One package build shared by the tests (it takes a while)."""

    @classmethod
    def setUpClass(cls):
        reason = tool_missing("cpack", "dpkg-deb")
        if reason:
            raise unittest.SkipTest(reason)
        if not (BUILD_DIR / "CPackConfig.cmake").exists():
            raise unittest.SkipTest(f"{BUILD_DIR} has no CPackConfig.cmake (configure it with CMake first)")
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="notifyd-pkg-"))
        os.chmod(cls.tmp, 0o755)
        built = run(["cpack", "-G", "DEB", "-B", str(cls.tmp / "out"), "--config", str(BUILD_DIR / "CPackConfig.cmake")],
                    cwd=BUILD_DIR, timeout=900)
        if built.returncode != 0:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise AssertionError(f"cpack failed:\n{built.stdout}\n{built.stderr}")
        debs = {deb.name.split("_")[0]: deb for deb in (cls.tmp / "out").glob("*.deb")}
        assert sorted(debs) == ["notifyd", "notifyd-dev"], f"cpack made {sorted(debs.values())}"
        cls.deb = debs["notifyd"]
        cls.dev_deb = debs["notifyd-dev"]
        # Both packages installed, as a plugin developer has them.
        cls.root = cls.tmp / "root"
        for deb in (cls.deb, cls.dev_deb):
            extracted = run(["dpkg-deb", "-x", str(deb), str(cls.root)])
            assert extracted.returncode == 0, extracted.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def field(self, name):
        return run(["dpkg-deb", "-f", str(self.deb), name]).stdout.strip()

    def test_file_name_and_control_fields(self):
        version = self.field("Version")
        self.assertRegex(self.deb.name, rf"^notifyd_{re.escape(version)}_amd64\.deb$")
        self.assertEqual(self.field("Package"), "notifyd")
        self.assertEqual(self.field("Section"), "admin")
        self.assertIn("<", self.field("Maintainer"))
        depends = self.field("Depends")
        for dependency in ("libc6", "libstdc++6", "libcurl4", "libsqlite3-0", "libtomlplusplus3", "systemd"):
            self.assertIn(dependency, depends)
        control = self.tmp / "control"
        self.assertEqual(run(["dpkg-deb", "-e", str(self.deb), str(control)]).returncode, 0)
        self.assertIn("/etc/notifyd/notifyd.toml", (control / "conffiles").read_text().split())
        for script in ("postinst", "prerm", "postrm"):
            self.assertTrue(os.access(control / script, os.X_OK), script)
            self.assertEqual(run(["sh", "-n", str(control / script)]).returncode, 0, script)

    def test_layout(self):
        expected = [
            "usr/bin/notifyd",
            "usr/bin/notifyctl",
            "usr/lib/notifyd/libnotifyd-core.so",
            "usr/lib/systemd/system/notifyd.service",
            "usr/lib/sysusers.d/notifyd.conf",
            "usr/lib/tmpfiles.d/notifyd.conf",
            "etc/notifyd/notifyd.toml",
            "etc/logrotate.d/notifyd",
            "usr/share/doc/notifyd/copyright",
            "usr/share/doc/notifyd/changelog.gz",
            "usr/share/doc/notifyd/examples/notifyd.env.example",
            "usr/share/doc/notifyd/examples/notifyd.toml",
            "usr/include/notifyd/sdk/sdk.hpp",
            "usr/lib/cmake/notifyd/notifydConfig.cmake",
        ] + [f"usr/lib/notifyd/notifyd_{plugin}.so" for plugin in SHIPPED_PLUGINS]
        missing = [path for path in expected if not (self.root / path).exists()]
        self.assertEqual(missing, [], "missing from the package")
        self.assertFalse((self.root / "usr/lib/libnotifyd-core.so").exists(), "the private library is in the linker path")
        self.assertFalse(list(self.root.rglob("notifyd_fixture*")) + list(self.root.rglob("*_tests")), "test files packaged")
        self.assertFalse((self.root / "etc/notifyd/notifyd.env").exists(), "no secrets file in the package")

    def contents(self, deb):
        listing = run(["dpkg-deb", "-c", str(deb)])
        self.assertEqual(listing.returncode, 0, listing.stderr)
        return [line.split()[5].removeprefix("./") for line in listing.stdout.splitlines()]

    def test_the_sdk_is_in_the_dev_package(self):
        runtime, dev = self.contents(self.deb), self.contents(self.dev_deb)
        self.assertEqual([path for path in runtime if path.startswith(("usr/include", "usr/lib/cmake"))], [])
        self.assertIn("usr/include/notifyd/sdk/sdk.hpp", dev)
        self.assertIn("usr/lib/cmake/notifyd/notifydConfig.cmake", dev)
        self.assertEqual([path for path in dev if path.startswith(("usr/bin", "usr/lib/notifyd", "etc"))], [])
        version = self.field("Version")
        fields = lambda name: run(["dpkg-deb", "-f", str(self.dev_deb), name]).stdout.strip()
        self.assertEqual(fields("Package"), "notifyd-dev")
        self.assertEqual(fields("Section"), "libdevel")
        self.assertIn(f"notifyd (= {version})", fields("Depends"))
        # ExecReload runs /bin/kill.
        self.assertRegex(self.field("Depends"), r"(^|, )procps(,|$)")

    def notifyctl_has_manpage(self):
        return run([str(self.root / "usr/bin/notifyctl"), "--manpage"]).stdout.startswith(".\\\"")

    def test_manual_pages_come_from_the_programs_own_texts(self):
        pages = {"notifyd.8": "usr/share/man/man8/notifyd.8.gz", "notifyd.toml.5": "usr/share/man/man5/notifyd.toml.5.gz"}
        if self.notifyctl_has_manpage():
            pages["notifyctl.1"] = "usr/share/man/man1/notifyctl.1.gz"
        for name, path in pages.items():
            with self.subTest(name):
                text = run(["zcat", str(self.root / path)]).stdout
                self.assertRegex(text, rf"(?m)^\.TH {re.escape(name.rsplit('.', 1)[0].upper())} ")
        notifyd = run(["zcat", str(self.root / pages["notifyd.8"])]).stdout
        for option in ("\\-\\-check\\-config", "\\-\\-describe\\-plugins", "\\-\\-manpage"):
            self.assertIn(option, notifyd)
        config = run(["zcat", str(self.root / pages["notifyd.toml.5"])]).stdout
        for plugin in SHIPPED_PLUGINS:
            self.assertIn(f'.SS "[[plugin]] use = ""{plugin}"""', config)

    def test_lintian_pedantic_shows_no_hardening_or_manual_page_tags(self):
        reason = tool_missing("lintian")
        if reason:
            self.skipTest(reason)
        checked = run(["lintian", "--pedantic", "-I", "--tag-display-limit", "0", str(self.deb), str(self.dev_deb)],
                      timeout=900)
        tags = [line for line in checked.stdout.splitlines()
                if re.search(r"hardening|manual-page|manpage", line)]
        if sanitized_build():
            # ASan builds are unoptimised and unfortified on purpose; `make package` builds release.
            tags = [line for line in tags if "hardening" not in line]
        if not self.notifyctl_has_manpage():
            # notifyctl.1 comes from `notifyctl --manpage`; this notifyctl has none yet.
            tags = [line for line in tags if not line.endswith("no-manual-page [usr/bin/notifyctl]")]
        self.assertEqual(tags, [], checked.stdout)

    def test_installs_into_a_clean_debian_12_root(self):
        reason = tool_missing("debootstrap", "chroot", "tar")
        if reason:
            self.skipTest(reason)
        if os.geteuid() != 0:
            self.skipTest("debootstrap and chroot need root")
        root = self.tmp / "debian12"
        root.mkdir()
        cache = BUILD_DIR / "package-test" / "debian12-minbase.tar"
        if not cache.exists():
            mirror = apt_mirror()
            self.assertIsNotNone(mirror, "no Debian mirror in /etc/apt/sources.list{,.d/*}")
            made = run(["debootstrap", "--variant=minbase", "bookworm", str(root), mirror], timeout=1800)
            self.assertEqual(made.returncode, 0, f"debootstrap from {mirror} failed:\n{made.stdout[-3000:]}{made.stderr[-3000:]}")
            cache.parent.mkdir(exist_ok=True)
            packed = run(["tar", "-cf", f"{cache}.part", "-C", str(root), "."], timeout=600)
            self.assertEqual(packed.returncode, 0, packed.stderr)
            os.replace(f"{cache}.part", cache)
        else:
            unpacked = run(["tar", "-xf", str(cache), "-C", str(root)], timeout=600)
            self.assertEqual(unpacked.returncode, 0, unpacked.stderr)
        if run(["mount", "-t", "proc", "proc", str(root / "proc")]).returncode == 0:
            self.addCleanup(run, ["umount", "-l", str(root / "proc")])
        for deb in (self.deb, self.dev_deb):
            shutil.copy(deb, root / "tmp" / deb.name)
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive", "LC_ALL": "C"}
        updated = run(["chroot", str(root), "apt-get", "update", "-qq"], env=env, timeout=900)
        self.assertEqual(updated.returncode, 0, updated.stdout + updated.stderr)
        installed = run(["chroot", str(root), "apt-get", "install", "-y", "-qq", "--no-install-recommends",
                         f"/tmp/{self.deb.name}", f"/tmp/{self.dev_deb.name}"], env=env, timeout=1800)
        self.assertEqual(installed.returncode, 0, installed.stdout[-4000:] + installed.stderr[-4000:])
        self.assertTrue(os.access(root / "bin/kill", os.X_OK), "ExecReload's /bin/kill")
        verified = run(["chroot", str(root), "systemd-analyze", "verify", "notifyd.service"], env=env, timeout=300)
        complaints = [line for line in (verified.stdout + verified.stderr).splitlines() if "notifyd" in line]
        self.assertEqual(verified.returncode, 0, verified.stdout + verified.stderr)
        self.assertEqual(complaints, [])
        version = run(["chroot", str(root), "notifyd", "--version"], env=env)
        self.assertEqual(version.returncode, 0, version.stderr)
        man = run(["chroot", str(root), "test", "-f", "/usr/share/man/man8/notifyd.8.gz"], env=env)
        self.assertEqual(man.returncode, 0, "notifyd.8 installed")

    def test_lintian_finds_no_errors(self):
        reason = tool_missing("lintian")
        if reason:
            self.skipTest(reason)
        checked = run(["lintian", "--tag-display-limit", "0", str(self.deb), str(self.dev_deb)], timeout=900)
        errors = [line for line in checked.stdout.splitlines() if line.startswith("E:")]
        self.assertEqual(errors, [], checked.stdout + checked.stderr)
        self.assertNotIn("error", checked.stderr.lower(), checked.stderr)

    def installed_unit(self):
        """The packaged unit with its binary and files pointed into the extracted root."""
        units = self.tmp / "units"
        units.mkdir(exist_ok=True)
        text = (self.root / "usr/lib/systemd/system/notifyd.service").read_text()
        self.assertIn("ExecStart=/usr/bin/notifyd -c /etc/notifyd/notifyd.toml", text)
        text = text.replace("/usr/bin/notifyd", str(self.root / "usr/bin/notifyd"))
        text = text.replace("/etc/notifyd/", str(self.root / "etc/notifyd") + "/")
        unit = units / "notifyd.service"
        unit.write_text(text)
        return unit

    def test_unit_passes_systemd_analyze_verify(self):
        reason = tool_missing("systemd-analyze")
        if reason:
            self.skipTest(reason)
        unit = self.installed_unit()
        verified = run(["systemd-analyze", "verify", str(unit)], cwd=unit.parent)
        complaints = [line for line in (verified.stdout + verified.stderr).splitlines() if "notifyd" in line]
        self.assertEqual(verified.returncode, 0, verified.stdout + verified.stderr)
        self.assertEqual(complaints, [])
        # The hardening keeps the exposure in systemd's "OK" band (at most 5.0 of 10).
        security = run(["systemd-analyze", "security", "--offline=yes", "--threshold=50", str(unit)], cwd=unit.parent)
        self.assertEqual(security.returncode, 0, security.stdout[-2000:] + security.stderr)

    def installed_config(self, socket_path, data_dir, group=None, name="notifyd.toml"):
        """The shipped /etc/notifyd/notifyd.toml with its paths and ports moved into the temp root."""
        text = (self.root / "etc/notifyd/notifyd.toml").read_text()
        if group is None:
            group = "notifyd"
            try:
                grp.getgrnam(group)
            except KeyError:
                group = grp.getgrgid(os.getgid()).gr_name
        replacements = {
            'data_dir    = "/var/lib/notifyd"': f'data_dir    = "{data_dir}"',
            'plugin_dir  = "/usr/lib/notifyd"': f'plugin_dir  = "{self.root / "usr/lib/notifyd"}"',
            'path  = "/run/notifyd/notifyd.sock"': f'path  = "{socket_path}"',
            'group = "notifyd"': f'group = "{group}"',
            'users_group = "notifyd"': f'users_group = "{group}"',
            'api_base_url = "https://api.telegram.org"': 'api_base_url = "http://127.0.0.1:9"',
            'listen = "127.0.0.1:8080"': f'listen = "127.0.0.1:{free_port()}"',
            'listen = "127.0.0.1:9464"': f'listen = "127.0.0.1:{getattr(self, "metrics_port", None) or free_port()}"',
            'listen         = "127.0.0.1:8765"': f'listen         = "127.0.0.1:{free_port()}"',
        }
        for old, new in replacements.items():
            text, count = re.subn(rf"(?m)^{re.escape(old)}", new, text)
            self.assertEqual(count, 1, old)
        config = self.tmp / "etc" / name
        config.parent.mkdir(exist_ok=True)
        config.write_text(text)
        return config

    def test_installed_daemon_runs_with_the_shipped_config(self):
        work = self.tmp / "run"
        work.mkdir()
        os.chmod(work, 0o755)
        socket_path = work / "notifyd.sock"
        self.metrics_port = free_port()
        config = self.installed_config(socket_path, work / "data")
        notifyd = self.root / "usr/bin/notifyd"
        notifyctl = self.root / "usr/bin/notifyctl"

        checked = run([str(notifyd), "-c", str(config), "--check-config"], timeout=120)
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)

        # A stand-in for systemd's notify socket, as with Type=notify and WatchdogSec=.
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(str(work / "notify.sock"))
        notify.settimeout(30)
        self.addCleanup(notify.close)
        env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "NOTIFYD_JWT_SECRET")}
        env.update({"NOTIFY_SOCKET": str(work / "notify.sock"), "WATCHDOG_USEC": "2000000"})
        env.pop("LD_LIBRARY_PATH", None)
        log = open(work / "stderr.log", "wb")
        self.addCleanup(log.close)
        process = subprocess.Popen([str(notifyd), "-c", str(config)], stdout=log, stderr=log, env=env)
        self.addCleanup(lambda: process.poll() is None and process.kill())

        def daemon_log():
            return (work / "stderr.log").read_text(errors="replace")

        def expect_state(wanted):
            deadline = time.time() + 30
            while time.time() < deadline:
                try:
                    message = notify.recv(4096).decode()
                except socket.timeout:
                    break
                if wanted in message.split("\n"):
                    return
            self.fail(f"no {wanted} on NOTIFY_SOCKET:\n{daemon_log()}")

        expect_state("READY=1")
        # The daemon loads the private library from the package, not from the build tree.
        maps = pathlib.Path(f"/proc/{process.pid}/maps").read_text()
        self.assertIn(str(self.root / "usr/lib/notifyd/libnotifyd-core.so"), maps)
        status, body = request(str(socket_path), "GET", "/health")
        self.assertEqual((status, body), (200, {"status": "ok"}))
        self.assertEqual(oct(os.stat(socket_path).st_mode & 0o777), "0o660")
        expect_state("WATCHDOG=1")

        health = run([str(notifyctl), "--socket", str(socket_path), "health"])
        self.assertEqual(health.returncode, 0, health.stderr)
        queue = run([str(notifyctl), "--socket", str(socket_path), "queue"])
        self.assertEqual(queue.returncode, 0, queue.stderr)

        # doctor, as an operator runs it: no token was given, so the bot is off.
        doctor = run([str(notifyctl), "doctor", "--config", str(config)], env=env)
        lines = doctor.stdout.splitlines()
        for subject in ("config", "check-config", "socket", "data dir", "daemon"):
            self.assertTrue(any(re.match(rf"ok +{subject} ", line) for line in lines), doctor.stdout + doctor.stderr)
        self.assertTrue(any(re.match(r"fail +telegram:bot .*TELEGRAM_BOT_TOKEN", line) for line in lines), doctor.stdout)
        self.assertEqual(doctor.returncode, 1)

        with socket.create_connection(("127.0.0.1", self.metrics_port), timeout=10) as scrape:
            scrape.sendall(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            answer = b""
            while chunk := scrape.recv(65536):
                answer += chunk
        self.assertTrue(answer.startswith(b"HTTP/1.1 200"), answer[:200])
        self.assertIn(b"notifyd_", answer)

        # systemctl reload = SIGHUP: RELOADING=1, then READY=1 again, still serving.
        process.send_signal(signal.SIGHUP)
        expect_state("RELOADING=1")
        expect_state("READY=1")
        self.assertEqual(request(str(socket_path), "GET", "/health")[0], 200)
        # An invalid file is refused and the running configuration kept.
        good_config = config.read_text()
        config.write_text(good_config + '\n[daemon]\nlog_level = "loud"\n')
        refusals = daemon_log().count("reload refused")
        process.send_signal(signal.SIGHUP)
        deadline = time.time() + 30
        while daemon_log().count("reload refused") == refusals and time.time() < deadline:
            time.sleep(0.05)
        self.assertIn(f"{config}:", daemon_log().split("SIGHUP")[-1], "the mistake is logged with file:line:col")
        self.assertIsNone(process.poll(), daemon_log())
        self.assertEqual(request(str(socket_path), "GET", "/health")[0], 200)
        config.write_text(good_config)

        process.send_signal(signal.SIGTERM)
        expect_state("STOPPING=1")
        self.assertEqual(process.wait(60), 0, daemon_log())
        self.assertNotIn("AddressSanitizer", daemon_log())

    def test_unit_capabilities_run_a_script_as_its_owner(self):
        """The daemon, confined to the unit's CapabilityBoundingSet and NoNewPrivileges
        (applied with setpriv, as systemd would), gives the socket its group and runs a
        script in a 0750 home as the script's owner."""
        if os.geteuid() != 0 or not all(shutil.which(tool) for tool in ("setpriv", "useradd", "groupadd")):
            self.skipTest("needs root, setpriv, useradd and groupadd")
        unit = (self.root / "usr/lib/systemd/system/notifyd.service").read_text()
        bounding = re.search(r"(?m)^CapabilityBoundingSet=(.*)$", unit).group(1).split()
        self.assertIn("CAP_SETUID", bounding)
        self.assertIn("NoNewPrivileges=yes", unit)
        caps = ",".join(["-all"] + ["+" + cap.lower().removeprefix("cap_") for cap in bounding])

        suffix = secrets.token_hex(3)
        group, user = f"nd_pkg_{suffix}", f"nd_pkg_{suffix}"
        created = subprocess.run(["groupadd", group], capture_output=True)
        if created.returncode != 0:
            self.skipTest(f"cannot create a group: {created.stderr.strip()}")
        self.addCleanup(subprocess.run, ["groupdel", group], capture_output=True)
        created = subprocess.run(["useradd", "-m", "-g", group, "-s", "/bin/sh", user], capture_output=True)
        if created.returncode != 0:
            self.skipTest(f"cannot create a user: {created.stderr.strip()}")
        self.addCleanup(subprocess.run, ["userdel", "-r", "-f", user], capture_output=True)
        entry = pwd.getpwnam(user)
        home = pathlib.Path(entry.pw_dir)
        os.chmod(home, 0o750)  # the seed's homes: root may not enter without CAP_DAC_READ_SEARCH
        scripts = home / "user" / "notifications"
        scripts.mkdir(parents=True)
        probe = scripts / "probe.py"
        probe.write_text(
            "import json, os, pathlib\n"
            "pathlib.Path(os.path.expanduser('~/ran-as')).write_text(json.dumps([os.getuid(), os.getgid(), os.getcwd()]))\n"
            "print(json.dumps({'notify': False}))\n"
        )
        for path in (home / "user", scripts, probe):
            os.chown(path, entry.pw_uid, entry.pw_gid)

        work = self.tmp / "caps"
        work.mkdir()
        os.chmod(work, 0o755)
        socket_path = work / "notifyd.sock"
        config = self.installed_config(socket_path, work / "data", group=group, name="caps.toml")
        env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "NOTIFYD_JWT_SECRET", "NOTIFY_SOCKET")}
        log = open(work / "stderr.log", "wb")
        self.addCleanup(log.close)
        process = subprocess.Popen(
            ["setpriv", "--no-new-privs", "--bounding-set", caps, "--inh-caps", "-all",
             str(self.root / "usr/bin/notifyd"), "-c", str(config)],
            stdout=log, stderr=log, env=env)
        self.addCleanup(lambda: process.poll() is None and process.kill())

        def daemon_log():
            return (work / "stderr.log").read_text(errors="replace")

        deadline = time.time() + 60
        while not socket_path.exists() and process.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        self.assertTrue(socket_path.exists(), daemon_log())
        # CAP_CHOWN: root is no member of the group, yet the socket has it.
        self.assertEqual(grp.getgrgid(os.stat(socket_path).st_gid).gr_name, group)

        # CAP_DAC_READ_SEARCH: the script in the 0750 home is found.
        def probe_listed():
            status, body = request(str(socket_path), "GET", f"/v1/checks?user={user}")
            return status == 200 and any(check["name"] == "probe" for check in body.get("checks", []))

        while not probe_listed():
            self.assertLess(time.time(), deadline, daemon_log())
            time.sleep(0.1)
        # CAP_SETUID/CAP_SETGID: it runs as its owner, in its home.
        status, body = request(str(socket_path), "POST", f"/v1/checks/probe/run?user={user}", timeout=60)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["run"]["outcome"], "quiet", body)
        self.assertEqual(json.loads((home / "ran-as").read_text()), [entry.pw_uid, entry.pw_gid, str(home)])

        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(60), 0, daemon_log())


if __name__ == "__main__":
    unittest.main()
