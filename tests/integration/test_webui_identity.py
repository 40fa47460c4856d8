"""Who the dashboard believes a local user is, with real Unix users on a
shared machine: `auth = "peer"` names the account that opened the
connection (directly, and through a real `ssh -L` tunnel through Debian's
sshd), and no local user becomes anyone else through the shipped configs or
any sign-in mode. The test creates (and removes) its own users."""

import encodings.idna  # noqa: F401  http.client needs it; children switched to a test user may not read the library
import grp
import http.client
import json
import os
import pathlib
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import time
import unittest

from harness import NOTIFYD, PLUGIN_DIR, SOURCE_DIR, DaemonTestCase, as_user, request

HAVE_ROOT = os.geteuid() == 0 and shutil.which("useradd") and shutil.which("groupadd")
SSHD = "/usr/sbin/sshd"
HAVE_SSH = os.path.exists(SSHD) and shutil.which("ssh") and shutil.which("ssh-keygen")
# The proxy's account in the proxy tests: Debian's web server user.
PROXY_USER = "www-data"


def get(port, target, headers=None, host="127.0.0.1", timeout=20):
    """GET on the dashboard from this process: (status, body as JSON or text, Set-Cookie or None)."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", target, headers={"Host": f"localhost:{port}", **(headers or {})})
        response = conn.getresponse()
        data = response.read().decode(errors="replace")
        cookie = response.getheader("Set-Cookie")
        try:
            return response.status, json.loads(data), cookie
        except ValueError:
            return response.status, data, cookie
    finally:
        conn.close()


def get_on_socket(path, target, headers=None):
    """GET on a dashboard listening on a unix socket: (status, body)."""
    return request(path, "GET", target, headers={"Host": "notify.example.com", **(headers or {})})


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@unittest.skipUnless(HAVE_ROOT, "needs root and useradd: the test creates the Unix users it signs in as")
class IdentityTestCase(DaemonTestCase):
    @classmethod
    def setUpClass(cls):
        suffix = secrets.token_hex(3)
        cls.alice = f"nd_wa_{suffix}"
        cls.bob = f"nd_wb_{suffix}"
        cls.created = []
        try:
            for user in (cls.alice, cls.bob):
                subprocess.run(["useradd", "-m", "-s", "/bin/sh", user], check=True, capture_output=True)
                cls.created.append(user)
                # Not locked (sshd refuses locked accounts), and no password either.
                subprocess.run(["usermod", "-p", "*", user], check=True, capture_output=True)
        except subprocess.CalledProcessError as error:
            cls.tearDownClass()
            raise unittest.SkipTest(f"cannot create test users: {error.stderr.decode(errors='replace').strip()}")

    @classmethod
    def tearDownClass(cls):
        for user in cls.created:
            subprocess.run(["userdel", "-r", "-f", user], capture_output=True)

    def dashboard(self, webui_toml, **kwargs):
        """A daemon whose dashboard has `webui_toml`; returns (daemon, port or None)."""
        daemon = self.daemon('[[plugin]]\nuse = "console"\n\n[[plugin]]\nuse = "webui"\nname = "web"\n' + webui_toml,
                             **kwargs).start()
        match = self.wait_for(lambda: re.search(r"\(listening on (\S+), auth", daemon.log()),
                              message="the dashboard's address in the log")
        where = match.group(1)
        return daemon, (int(where.rsplit(":", 1)[1]) if not where.startswith("unix:") else None)

    def run_as(self, user, fn):
        """fn() in a process running as `user`; a failure there fails the test with its reason."""
        result = as_user(user, fn)
        if isinstance(result, dict) and "child_error" in result:
            self.fail(f"as {user}: {result['child_error']}")
        return result

    def assert_refused_at_start(self, webui_toml, reason):
        daemon = self.daemon('[[plugin]]\nuse = "webui"\n' + webui_toml)
        daemon.start(wait=False)
        self.assertEqual(daemon.process.wait(60), 1)
        daemon.stdout.close()
        daemon.stderr.close()
        self.assertIn(reason, daemon.log())

    def me_as(self, user, port, headers=None, host="127.0.0.1"):
        """GET /api/me from a process running as `user`: (status, body)."""
        status, body, _ = self.run_as(user, lambda: get(port, "/api/me", headers, host))
        return status, body

    def assert_is(self, user, port, expected, headers=None):
        status, body = self.me_as(user, port, headers)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["user"], expected)
        self.assertFalse(body["admin"])


class PeerAuthTest(IdentityTestCase):
    def test_each_local_user_is_the_account_that_opened_the_connection(self):
        _, port = self.dashboard('listen = "127.0.0.1:0"\nauth = "peer"\n')
        self.assert_is(self.alice, port, self.alice)
        self.assert_is(self.bob, port, self.bob)
        status, body, _ = get(port, "/api/me")
        self.assertEqual((status, body["user"], body["admin"]), (200, "root", True))

    def test_headers_and_other_users_cookies_change_nothing(self):
        _, port = self.dashboard('listen = "127.0.0.1:0"\nauth = "peer"\n')
        spoofed = {"X-Forwarded-User": "root", "X-Remote-User": "root"}
        self.assert_is(self.bob, port, self.bob, spoofed)
        # alice's page hands her a session; bob holding that cookie is still bob.
        status, _, cookie = self.run_as(self.alice, lambda: get(port, "/"))
        self.assertEqual(status, 200)
        self.assertTrue(cookie.startswith("notifyd_session="))
        self.assert_is(self.bob, port, self.bob, {"Cookie": cookie.split(";")[0]})

    def test_over_ipv6_loopback_too(self):
        if not socket.has_ipv6:
            self.skipTest("no IPv6")
        _, port = self.dashboard('listen = "[::1]:0"\nauth = "peer"\n')
        status, body, _ = self.run_as(self.alice, lambda: get(port, "/api/me", host="::1"))
        self.assertEqual((status, body["user"]), (200, self.alice))

    def test_a_page_elsewhere_cannot_use_the_browser_of_a_local_user(self):
        _, port = self.dashboard('listen = "127.0.0.1:0"\nauth = "peer"\n')
        status, body = self.me_as(self.alice, port, {"Host": "rebound.example:80"})
        self.assertEqual(status, 403, body)

    def test_peer_auth_is_refused_on_a_public_address(self):
        self.assert_refused_at_start('listen = "0.0.0.0:0"\nauth = "peer"\n', "refused on the non-loopback address")


@unittest.skipUnless(HAVE_SSH, "needs Debian's openssh-server and openssh-client (scripts/install-deps.sh --test)")
class SshTunnelTest(IdentityTestCase):
    """A real `ssh -L` through a real sshd on a loopback port: the dashboard
    names the user the tunnel belongs to."""

    def setUp(self):
        super().setUp()
        self.processes = []
        self.ssh_dir = pathlib.Path(self.tmp) / "ssh"
        self.ssh_dir.mkdir(mode=0o700)
        # sshd's privilege separation directory (created by the package's unit when it runs).
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.ssh_dir / "host_key")],
                       check=True)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.ssh_dir / "client_key")],
                       check=True)
        keys = self.ssh_dir / "authorized_keys"
        keys.mkdir(mode=0o755)
        entry = pwd.getpwnam(self.alice)
        authorized = keys / self.alice
        authorized.write_text((self.ssh_dir / "client_key.pub").read_text())
        os.chown(authorized, entry.pw_uid, entry.pw_gid)
        os.chmod(authorized, 0o600)
        os.chmod(self.ssh_dir, 0o755)
        self.ssh_port = free_port()
        config = self.ssh_dir / "sshd_config"
        config.write_text(f"""Port {self.ssh_port}
ListenAddress 127.0.0.1
HostKey {self.ssh_dir / 'host_key'}
PidFile {self.ssh_dir / 'sshd.pid'}
AuthorizedKeysFile {keys}/%u
AllowUsers {self.alice}
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowTcpForwarding local
PermitOpen 127.0.0.1:*
X11Forwarding no
PrintMotd no
LogLevel VERBOSE
""")
        self.sshd_log = open(self.ssh_dir / "sshd.log", "wb")
        self.sshd = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=self.sshd_log,
                                     stderr=subprocess.STDOUT)
        self.processes.append(self.sshd)
        self.wait_for(lambda: self.sshd.poll() is not None or self.accepts(self.ssh_port),
                      message="sshd to listen")
        self.assertIsNone(self.sshd.poll(), self.sshd_text())

    def tearDown(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.sshd_log.close()
        super().tearDown()

    def sshd_text(self):
        return (self.ssh_dir / "sshd.log").read_text(errors="replace")

    @staticmethod
    def accepts(port):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2):
                return True
        except OSError:
            return False

    def test_the_tunnel_is_its_users_own(self):
        _, dashboard_port = self.dashboard('listen = "127.0.0.1:0"\nauth = "peer"\n')
        local_port = free_port()
        ssh = subprocess.Popen(
            ["ssh", "-N", "-i", str(self.ssh_dir / "client_key"), "-p", str(self.ssh_port),
             "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
             "-o", "ExitOnForwardFailure=yes", "-o", "IdentitiesOnly=yes",
             "-L", f"127.0.0.1:{local_port}:127.0.0.1:{dashboard_port}", f"{self.alice}@127.0.0.1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.processes.append(ssh)
        self.wait_for(lambda: ssh.poll() is not None or self.accepts(local_port), timeout=60,
                      message="the ssh tunnel")
        if ssh.poll() is not None:
            self.fail(f"ssh: {ssh.stderr.read().decode(errors='replace')}\n{self.sshd_text()}")

        # This process is root; through alice's tunnel it is alice, as her browser would be.
        status, body, _ = get(local_port, "/api/me", {"X-Forwarded-User": "root"})
        self.assertEqual(status, 200, f"{body}\n{self.sshd_text()}")
        self.assertEqual(body["user"], self.alice)
        self.assertFalse(body["admin"])
        status, page, _ = get(local_port, "/")
        self.assertEqual(status, 200)
        self.assertIn(f"You are <strong>{self.alice}</strong>", page)


class NoImpersonationTest(IdentityTestCase):
    """bob, an ordinary local user, tries to be alice or root in every mode."""

    attempts = ({"X-Forwarded-User": "root"}, {"X-Forwarded-User": "root@example.com"},
                {"X-Forwarded-User": "alice"}, {"X-Forwarded-For": "10.0.0.1", "X-Forwarded-User": "root"})

    def assert_not_anyone_else(self, port):
        for headers in self.attempts:
            with self.subTest(headers=headers):
                status, body = self.me_as(self.bob, port, headers)
                self.assertTrue(status == 401 or (status == 200 and body["user"] == self.bob), (status, body))

    def test_link_mode(self):
        daemon, port = self.dashboard('listen = "127.0.0.1:0"\nauth = "link"\n')
        self.assert_not_anyone_else(port)
        # The socket mints bob a link for bob, whatever he asks for.
        path = daemon.socket_path
        status, body = self.run_as(self.bob, lambda: request(path, "POST", "/api/login-link", {"user": "root"}))
        self.assertEqual((status, body["user"]), (200, self.bob))

    def test_peer_mode(self):
        _, port = self.dashboard('listen = "127.0.0.1:0"\nauth = "peer"\n')
        self.assert_not_anyone_else(port)

    def test_none_mode_serves_only_the_demo_users_own_connections(self):
        _, port = self.dashboard(f'listen = "127.0.0.1:0"\nauth = "none"\ndemo_user = "{self.alice}"\n')
        status, body = self.me_as(self.alice, port)
        self.assertEqual((status, body["user"]), (200, self.alice))
        self.assert_not_anyone_else(port)
        self.assertEqual(self.me_as(self.bob, port)[0], 401)

    def test_proxy_mode_on_loopback_believes_only_the_proxys_account(self):
        _, port = self.dashboard(f'listen = "127.0.0.1:0"\nauth = "proxy"\ntrusted_proxy_users = ["{PROXY_USER}"]\n')
        self.assert_not_anyone_else(port)
        status, body = self.me_as(PROXY_USER, port, {"X-Forwarded-User": self.alice})
        self.assertEqual((status, body["user"]), (200, self.alice))

    def test_proxy_mode_on_loopback_without_the_proxys_account_is_refused(self):
        self.assert_refused_at_start('listen = "127.0.0.1:0"\nauth = "proxy"\n', "trusted_proxy_users")

    def test_proxy_mode_on_a_unix_socket_only_the_proxys_group_may_open(self):
        path = str(pathlib.Path(self.tmp) / "web" / "web.sock")
        self.dashboard(f'listen = "unix:{path}"\nauth = "proxy"\nsocket_group = "{PROXY_USER}"\n'
                       'public_url = "https://notify.example.com"\n')
        os.chmod(pathlib.Path(path).parent, 0o755)
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o660)
        self.assertEqual(grp.getgrgid(os.stat(path).st_gid).gr_name, PROXY_USER)
        refused = self.run_as(self.bob, lambda: _connect_error(path))
        self.assertEqual(refused, "PermissionError")
        status, body = self.run_as(PROXY_USER, lambda: get_on_socket(path, "/api/me", {"X-Forwarded-User": self.alice}))
        self.assertEqual((status, body["user"]), (200, self.alice))


def _connect_error(path):
    try:
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(path)
        return None
    except OSError as error:
        return type(error).__name__


class ShippedConfigTest(IdentityTestCase):
    """The shipped configs, as installed and as `make run` uses them, on a shared machine."""

    def start_shipped(self, text):
        port = free_port()
        tmp = pathlib.Path(self.tmp)
        replacements = {
            '"/var/lib/notifyd"': f'"{tmp}/data"', '"/usr/lib/notifyd"': f'"{PLUGIN_DIR}"',
            '"build/release/lib/notifyd"': f'"{PLUGIN_DIR}"', '"/run/notifyd/notifyd.sock"': f'"{tmp}/run/api.sock"',
            '"./var/': f'"{tmp}/var/', '"127.0.0.1:8080"': f'"127.0.0.1:{port}"',
            '"127.0.0.1:9464"': f'"127.0.0.1:{free_port()}"', '"127.0.0.1:8765"': f'"127.0.0.1:{free_port()}"',
            'group = "notifyd"': 'group = "root"', 'users_group = "notifyd"': 'users_group = "root"',
        }
        for old, new in replacements.items():
            text = text.replace(old, new)
        config = tmp / "shipped.toml"
        config.write_text(text)
        log = tmp / "shipped.log"
        with open(log, "wb") as stderr:
            process = subprocess.Popen([NOTIFYD, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=stderr,
                                       env={k: v for k, v in os.environ.items()
                                            if k not in ("TELEGRAM_BOT_TOKEN", "NOTIFYD_JWT_SECRET")})
        self.addCleanup(lambda: (process.poll() is None and process.terminate(), process.wait(30)))
        self.wait_for(lambda: process.poll() is not None or "dashboard at" in log.read_text(errors="replace"),
                      timeout=60, message="the shipped config's dashboard")
        self.assertIsNone(process.poll(), log.read_text(errors="replace"))
        return port

    def check_shared_machine(self, port):
        for user in (self.alice, self.bob):
            for headers in ({}, {"X-Forwarded-User": "root"}, {"X-Forwarded-User": self.alice}):
                with self.subTest(user=user, headers=headers):
                    status, body = self.me_as(user, port, headers)
                    self.assertEqual(status, 200, body)
                    self.assertEqual(body["user"], user)
                    self.assertFalse(body["admin"])

    def test_the_packaged_config(self):
        port = self.start_shipped((SOURCE_DIR / "deploy" / "notifyd.toml").read_text())
        self.check_shared_machine(port)

    def test_the_demo_config(self):
        port = self.start_shipped((SOURCE_DIR / "notifyd.toml").read_text())
        self.check_shared_machine(port)


if __name__ == "__main__":
    unittest.main()
