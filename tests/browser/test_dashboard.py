"""The web dashboard in Debian's chromium (driven by playwright-core): sign in
with a `notifyctl login` link, link Telegram with a code from the fake Bot
API's /start, run a check now, see notifications and their image in History,
create a desktop token, unlink, sign out; no JavaScript errors on any page;
one screenshot per page, desktop and phone widths, in the build directory;
the bot named with its t.me link, messages formatted from their Markdown
(hostile markup shown as text), times in UTC. A second daemon runs Telegram
without a token and the desktop channel without a secret: the pages and
/api/me say they are not set up, signing in leads back to the page asked
for, and a long source path wraps at its slashes on a phone.

The real daemon runs with the socket, console, webui, telegram (against
tests/fixtures/fake_bot_api.py) and websocket plugins and a native
disk_space check that always reports. Parts whose plugin is missing are
skipped with the reason printed."""

import base64
import os
import pathlib
import re
import shutil
import socket
import struct
import subprocess
import sys
import unittest
import zlib

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))
sys.path.insert(0, str(HERE.parent / "fixtures"))

from harness import NOTIFYCTL, PLUGIN_DIR, DaemonTestCase  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
TOKEN = "123456:BROWSER-test-token"
CHAT = 4242
SCREENSHOTS = pathlib.Path(os.environ.get("NOTIFYD_SCREENSHOT_DIR", "build/asan/browser-screenshots")).resolve()


def chart_png(width=480, height=220):
    """A small bar chart as a real PNG (written with zlib and struct)."""
    bars = [0.35, 0.55, 0.5, 0.8, 0.65, 0.9, 0.45]
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            bar = x * len(bars) // width
            inside = (x % (width // len(bars))) > 8 and (height - y) < bars[bar] * (height - 20)
            row += bytes((31, 95, 191) if inside else (246, 248, 250))
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def plugin_built(name):
    return (pathlib.Path(PLUGIN_DIR) / f"notifyd_{name}.so").exists()


class DashboardInBrowserTest(DaemonTestCase):
    def setUp(self):
        super().setUp()
        if not os.access(CHROMIUM, os.X_OK):
            self.skipTest("Debian chromium is not installed at /usr/bin/chromium (scripts/install-deps.sh --test)")
        self.node = shutil.which("node")
        if not self.node:
            self.skipTest("node is not installed (scripts/install-deps.sh --test)")
        if not (HERE / "node_modules" / "playwright-core" / "package.json").exists():
            self.skipTest("playwright-core is not installed (tests/browser/install_node_modules.sh)")
        self.api = None
        self.telegram_skip = ""
        if not plugin_built("telegram"):
            self.telegram_skip = "the telegram plugin is not built"
        else:
            try:
                from fake_bot_api import FakeBotApi
            except ImportError:
                self.telegram_skip = "tests/fixtures/fake_bot_api.py is missing"
            else:
                self.api = FakeBotApi(tokens=[TOKEN]).start()

    def tearDown(self):
        if self.api:
            self.api.stop()
        super().tearDown()

    def start_daemon(self):
        plugins = '[[plugin]]\nuse = "console"\nformat = "json"\n\n'
        plugins += '[[plugin]]\nuse = "webui"\nname = "web"\nlisten = "127.0.0.1:0"\nauth = "link"\n\n'
        if self.api:
            plugins += (f'[[plugin]]\nuse = "telegram"\nname = "bot"\ntoken_env = "TELEGRAM_BOT_TOKEN"\n'
                        f'api_base_url = "{self.api.base_url}"\n\n')
        self.desktop = plugin_built("websocket")
        if self.desktop:
            plugins += f'[[plugin]]\nuse = "websocket"\nname = "desktop"\nlisten = "127.0.0.1:{free_port()}"\njwt_secret_env = "DESKTOP_JWT_SECRET"\n\n'
        self.check_name = "disk" if plugin_built("disk_space") else ""
        if self.check_name:
            plugins += (f'[[check]]\nname = "disk"\nuse = "disk_space"\nnotify = ["root"]\npath = "{self.tmp}"\n'
                        'min_free_percent = 100\n')
        daemon = self.daemon(plugins, env={"TELEGRAM_BOT_TOKEN": TOKEN, "DESKTOP_JWT_SECRET": "browser-test-secret-0123456789"})
        daemon.start()
        match = self.wait_for(lambda: re.search(r"dashboard at (http://127\.0\.0\.1:\d+)/", daemon.log()),
                              message="the dashboard's address in the log")
        return daemon, match.group(1)

    def notify(self, daemon, **fields):
        status, body = daemon.request("POST", "/v1/notify", dict({"user": "root"}, **fields))
        self.assertEqual(status, 200, body)
        return body["id"]

    def telegram_code(self):
        self.api.wait_for(lambda: self.api.calls("getMe"))
        self.api.push_message(CHAT, "/start")
        reply = self.api.wait_for(lambda: [t for t in self.api.texts(CHAT) if "verification code" in t])[-1]
        return re.search(r"verification code: (?:<code>)?(\d{6})", reply).group(1)

    def test_the_dashboard_in_chromium(self):
        daemon, url = self.start_daemon()
        image_title = "Revenue chart"
        html_title = "<b>Not bold</b> & <script>window.pwned = 1</script>"
        self.notify(daemon, title=image_title, message="Daily revenue, last 7 days",
                    image=base64.b64encode(chart_png()).decode())
        self.notify(daemon, title=html_title, message="Markup in a title is shown as text.\nSecond line.")
        markdown_title = "Disk report"
        self.notify(daemon, title=markdown_title,
                    message="*Disk* on `db1` is 95% full: see [the report](https://example.com/report).")
        hostile_title = "Hostile message"
        self.notify(daemon, title=hostile_title,
                    message="<img src=x onerror=window.pwned=1> [click](javascript:window.pwned=1)")

        login = subprocess.run([NOTIFYCTL, "--socket", daemon.socket_path, "login"],
                               capture_output=True, text=True, timeout=30)
        self.assertEqual(login.returncode, 0, login.stderr)
        login_url = re.search(r"http://\S+/login/link\?token=\S+", login.stdout).group(0)

        code = self.telegram_code() if self.api else ""
        if self.telegram_skip:
            print(f"skipping the Telegram link step: {self.telegram_skip}")
        if not self.check_name:
            print("skipping the Run now step: the disk_space check is not built")

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob("*.png"):
            old.unlink()
        env = dict(os.environ, DASHBOARD_URL=url, LOGIN_URL=login_url, TELEGRAM_CODE=code,
                   TELEGRAM_CONFIGURED="1" if self.api else "", DESKTOP_CONFIGURED="1" if self.desktop else "",
                   BOT_USERNAME=self.api.username if self.api else "",
                   CHECK_NAME=self.check_name, IMAGE_TITLE=image_title, HTML_TITLE=html_title,
                   MARKDOWN_TITLE=markdown_title, HOSTILE_TITLE=hostile_title,
                   SCREENSHOT_DIR=str(SCREENSHOTS), CHROMIUM=CHROMIUM, USER_DATA_DIR=str(pathlib.Path(self.tmp) / "chromium"))
        result = subprocess.run([self.node, str(HERE / "dashboard.mjs")], env=env, capture_output=True, text=True,
                                timeout=240)
        print(result.stdout)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr + "\n--- daemon log ---\n" + daemon.log())

        if self.api and self.check_name:
            self.assertTrue([t for t in self.api.texts(CHAT) if "Low disk space" in t],
                            "the check run while linked reached the Telegram chat")
        if self.api:
            status, body = daemon.request("GET", "/api/telegram/status")
            self.assertEqual(status, 200, body)
            self.assertFalse(body["linked"], "the browser unlinked Telegram again")
        self.assertEqual(daemon.stop(), 0, daemon.log())
        self.assertNotIn("AddressSanitizer", daemon.log())
        shots = sorted(p.name for p in SCREENSHOTS.glob("*.png"))
        print("screenshots in", SCREENSHOTS, ":", ", ".join(shots))
        for page in ("login-link", "telegram", "checks", "history", "desktop", "signed-out"):
            self.assertIn(f"desktop-{page}.png", shots)
        for page in ("telegram", "checks", "history", "desktop"):
            self.assertIn(f"phone-{page}.png", shots)

    def test_telegram_and_desktop_off(self):
        """A bot without a token and a desktop channel without a secret: the
        pages and /api/me say so; signing in leads back to the page asked
        for; a long source path wraps at its slashes on a phone."""
        missing = [name for name in ("telegram", "websocket") if not plugin_built(name)]
        if missing:
            self.skipTest(f"not built: {', '.join(missing)}")
        plugins = ('[[plugin]]\nuse = "webui"\nname = "web"\nlisten = "127.0.0.1:0"\nauth = "link"\n\n'
                   '[[plugin]]\nuse = "console"\nformat = "json"\n\n'
                   '[[plugin]]\nuse = "telegram"\nname = "bot"\ntoken_env = "NO_SUCH_TOKEN"\n\n'
                   f'[[plugin]]\nuse = "websocket"\nname = "desktop"\nlisten = "127.0.0.1:{free_port()}"\n'
                   'jwt_secret_env = "NO_SUCH_SECRET"\n')
        daemon = self.daemon(plugins)
        daemon.start()
        url = self.wait_for(lambda: re.search(r"dashboard at (http://127\.0\.0\.1:\d+)/", daemon.log()),
                            message="the dashboard's address in the log").group(1)
        login = subprocess.run([NOTIFYCTL, "--socket", daemon.socket_path, "login"],
                               capture_output=True, text=True, timeout=30)
        self.assertEqual(login.returncode, 0, login.stderr)
        login_url = re.search(r"http://\S+/login/link\?token=\S+", login.stdout).group(0)

        env = dict(os.environ, DASHBOARD_URL=url, LOGIN_URL=login_url, NOTIFYCTL=NOTIFYCTL,
                   SOCKET=daemon.socket_path, LONG_SOURCE="/home/alice/.notifications/scripts/quarterly_revenue_by_region.py",
                   SCREENSHOT_DIR=str(SCREENSHOTS / "off"), CHROMIUM=CHROMIUM,
                   USER_DATA_DIR=str(pathlib.Path(self.tmp) / "chromium-off"))
        result = subprocess.run([self.node, str(HERE / "dashboard_off.mjs")], env=env, capture_output=True, text=True,
                                timeout=240)
        print(result.stdout)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr + "\n--- daemon log ---\n" + daemon.log())
        self.assertEqual(daemon.stop(), 0, daemon.log())
        self.assertNotIn("AddressSanitizer", daemon.log())


if __name__ == "__main__":
    unittest.main()
