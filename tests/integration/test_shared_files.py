"""The seed's web dashboard and notifyd on the same data files, as operators
run them during an upgrade: the dashboard reads and writes
telegram_users.json and pending_codes.json directly while notifyd runs the
bot. notifyd sees the dashboard's changes at once, never writes from a stale
copy, treats a code that is gone from the file as gone, and gives the files
it writes the configured mode and group. The failed-attempt counter of the
link flow survives a reload and a restart."""

import fcntl
import json
import os
import pathlib
import re
import signal
import stat
import subprocess
import sys
import time
import unittest

from harness import BACKEND, DaemonTestCase
from test_telegram import ALICE_CHAT, TelegramTestCase

CODE_TTL_SECONDS = 600


class OldDashboard:
    """The seed's webapp/telegram_service.py: verify, unlink and status on the shared JSON files.

    It wrote the files in place (`json.dump` into `open(path, "w")`) and took no lock. With
    `locked=True` it follows the protocol docs/operations.md gives for programs that keep
    writing the files beside notifyd: flock on `<file>.lock`, read, change, write a temp
    file, rename."""

    def __init__(self, data_dir, locked=False):
        self.users = pathlib.Path(data_dir) / "telegram_users.json"
        self.codes = pathlib.Path(data_dir) / "pending_codes.json"
        self.locked = locked

    @staticmethod
    def _load(path):
        return json.loads(path.read_text()) if path.exists() and path.read_text().strip() else {}

    def _change(self, path, change):
        if not self.locked:
            data = self._load(path)
            result = change(data)
            with open(path, "w") as out:
                json.dump(data, out, indent=2)
            return result
        with open(str(path) + ".lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            data = self._load(path)
            result = change(data)
            temp = path.with_name(f".{path.name}.dashboard{os.getpid()}")
            temp.write_text(json.dumps(data, indent=2))
            os.replace(temp, path)
            return result

    def verify(self, user, code):
        """The dashboard's POST /api/telegram/verify: True when the code was valid and the chat is now linked."""
        def take(codes):
            entry = codes.pop(code, None)
            if entry and time.time() - entry["created_at"] < CODE_TTL_SECONDS:
                return entry["chat_id"]
            return None

        chat = self._change(self.codes, take)
        if chat is None:
            return False
        self.link(user, chat)
        return True

    def link(self, user, chat):
        self._change(self.users, lambda users: users.__setitem__(
            user, {"chat_id": chat, "linked_at": time.strftime("%Y-%m-%dT%H:%M:%S.000000")}))

    def unlink(self, user):
        self._change(self.users, lambda users: users.pop(user, None))

    def create_code(self, code, chat):
        self._change(self.codes, lambda codes: codes.__setitem__(code, {"chat_id": chat, "created_at": int(time.time())}))

    def linked(self):
        return self._load(self.users)


@unittest.skipIf(BACKEND == "postgres", "with the documents in PostgreSQL notifyd neither reads nor writes these "
                                        "files (docs/operations.md, The store in PostgreSQL)")
class SharedLinkFilesTest(TelegramTestCase):
    def start_code(self, chat, count=1):
        self.api.push_message(chat, "/start")
        reply = self.wait_reply(chat, "verification code", count=count)
        return re.search(r"verification code: (?:<code>)?(\d{6})", reply).group(1)

    def test_a_link_the_dashboard_wrote_is_used_at_once(self):
        daemon = self.telegram_daemon().start()
        self.wait_polling()
        self.assertEqual(daemon.request("POST", "/send", {"user": "alice", "text": "before"})[0], 404)
        OldDashboard(daemon.data_dir).link("alice", ALICE_CHAT)
        status, body = daemon.request("POST", "/send", {"user": "alice", "text": "after the dashboard linked"})
        self.assertEqual(status, 200, body)
        self.api.wait_for(lambda: "after the dashboard linked" in self.api.texts(ALICE_CHAT))
        self.api.push_message(ALICE_CHAT, "/whoami")
        self.assertIn("linked to alice", self.wait_reply(ALICE_CHAT, "This chat is linked"))

        OldDashboard(daemon.data_dir).unlink("alice")
        self.assertEqual(daemon.request("POST", "/send", {"user": "alice", "text": "gone"})[0], 404)
        self.assertEqual(daemon.stop(), 0)

    def test_a_code_the_dashboard_created_is_redeemed_by_notifyd(self):
        daemon = self.telegram_daemon().start()
        self.wait_polling()
        OldDashboard(daemon.data_dir).create_code("424242", 555)
        status, body = daemon.request("POST", "/api/telegram/verify", {"code": "424242", "user": "alice"})
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads((daemon.data_dir / "telegram_users.json").read_text())["alice"]["chat_id"], 555)
        self.assertNotIn("424242", json.loads((daemon.data_dir / "pending_codes.json").read_text()))

    def test_a_code_the_dashboard_used_is_refused_so_a_chat_never_gets_two_users(self):
        daemon = self.telegram_daemon().start()
        self.wait_polling()
        code = self.start_code(ALICE_CHAT)
        dashboard = OldDashboard(daemon.data_dir)
        self.assertTrue(dashboard.verify("bob", code))

        status, body = daemon.request("POST", "/api/telegram/verify", {"code": code, "user": "alice"})
        self.assertEqual((status, body), (400, {"error": "invalid or expired code"}))
        self.assertEqual(set(dashboard.linked()), {"bob"})
        self.api.push_message(ALICE_CHAT, "/whoami")
        self.assertIn("linked to bob", self.wait_reply(ALICE_CHAT, "This chat is linked"))

        # And the other way round: a code notifyd redeemed is gone for the dashboard.
        other = self.start_code(777)
        self.assertEqual(daemon.request("POST", "/api/telegram/verify", {"code": other, "user": "carol"})[0], 200)
        self.assertFalse(dashboard.verify("dave", other))
        self.assertEqual(set(dashboard.linked()), {"bob", "carol"})
        self.assertEqual(daemon.stop(), 0)

    def test_notifyds_writes_keep_the_dashboards_links(self):
        daemon = self.linked_daemon()
        dashboard = OldDashboard(daemon.data_dir)
        dashboard.link("bob", 222)
        code = self.start_code(333)
        self.assertEqual(daemon.request("POST", "/api/telegram/verify", {"code": code, "user": "carol"})[0], 200)
        self.assertEqual(daemon.request("POST", "/api/telegram/unlink", {"user": "alice"})[0], 200)
        self.assertEqual({user: link["chat_id"] for user, link in dashboard.linked().items()}, {"bob": 222, "carol": 333})
        self.assertEqual(daemon.stop(), 0)

    def test_two_processes_writing_the_link_files_at_once_lose_nothing(self):
        daemon = self.telegram_daemon().start()
        self.wait_polling()
        # The dashboard, in a process of its own, links users and creates codes for as long as
        # notifyd issues codes and links 8 users through its own flow.
        stop = pathlib.Path(self.tmp) / "stop-dashboard"
        writer = subprocess.Popen([sys.executable, "-c", f"""
import pathlib, sys
sys.path.insert(0, {str(pathlib.Path(__file__).parent)!r})
from test_shared_files import OldDashboard
dashboard = OldDashboard({str(daemon.data_dir)!r}, locked=True)
stop = pathlib.Path({str(stop)!r})
i = 0
while i < 20 or not stop.exists():
    dashboard.link(f"dash{{i}}", 9000 + i)
    dashboard.create_code(f"{{900000 + i}}", 9000 + i)
    i += 1
print(i)
"""], stdout=subprocess.PIPE, text=True)
        chats = list(range(500, 508))
        for chat in chats:
            self.api.push_message(chat, "/start")
        codes = {}
        for chat in chats:
            reply = self.wait_reply(chat, "verification code")
            codes[chat] = re.search(r"verification code: (?:<code>)?(\d{6})", reply).group(1)
        for chat, code in codes.items():
            status, body = daemon.request("POST", "/api/telegram/verify", {"code": code, "user": f"nd{chat}"})
            self.assertEqual(status, 200, body)
        stop.touch()
        written, _ = writer.communicate(timeout=60)
        self.assertEqual(writer.returncode, 0)
        count = int(written)

        users = json.loads((daemon.data_dir / "telegram_users.json").read_text())
        self.assertEqual({u for u in users if u.startswith("dash")}, {f"dash{i}" for i in range(count)})
        self.assertEqual({u: users[u]["chat_id"] for u in users if u.startswith("nd")}, {f"nd{c}": c for c in chats})
        pending = json.loads((daemon.data_dir / "pending_codes.json").read_text())
        self.assertEqual({c for c, entry in pending.items() if entry["chat_id"] >= 9000}, {f"{900000 + i}" for i in range(count)})
        self.assertFalse(set(codes.values()) & set(pending))
        self.assertEqual(daemon.request("POST", "/send", {"user": f"dash{count - 1}", "text": "hi"})[0], 200)
        self.assertEqual(daemon.stop(), 0)

    def test_files_get_the_configured_mode_and_group_whatever_the_umask(self):
        group = "daemon"
        daemon = self.telegram_daemon(daemon_extra=f'file_mode = "0660"\nfile_group = "{group}"')
        old_umask = os.umask(0o077)
        try:
            daemon.start()
        finally:
            os.umask(old_umask)
        self.wait_polling()
        self.start_code(ALICE_CHAT)
        OldDashboard(daemon.data_dir).create_code("123123", 42)
        self.assertEqual(daemon.request("POST", "/api/telegram/verify", {"code": "123123", "user": "alice"})[0], 200)
        status, body = daemon.request("POST", "/v1/notify", {
            "user": "alice", "message": "chart", "image": "iVBORw0KGgoAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
        self.assertEqual(status, 200, body)
        import grp
        gid = grp.getgrnam(group).gr_gid
        images = list((daemon.data_dir / "images").iterdir())
        self.assertTrue(images)
        # With the store in PostgreSQL there is no database file in data_dir.
        store_files = ("notifyd.db", "notifyd.db-wal", "notifyd.db-shm") if BACKEND == "local" else ()
        for path in [daemon.data_dir / name for name in (
                "telegram_users.json", "pending_codes.json", "telegram_users.json.lock", "pending_codes.json.lock",
                *store_files)] + images:
            with self.subTest(path=path.name):
                info = path.stat()
                self.assertEqual(stat.S_IMODE(info.st_mode), 0o660)
                self.assertEqual(info.st_gid, gid)
        self.assertEqual(daemon.stop(), 0)

    def test_a_bad_file_mode_or_group_is_a_config_mistake(self):
        daemon = self.telegram_daemon(daemon_extra='file_mode = "0999"\nfile_group = "no-such-group-nd"')
        result = subprocess.run([daemon.binary, "-c", str(daemon.config_path), "--check-config"],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 1)
        self.assertIn("file_mode", result.stdout + result.stderr)
        self.assertIn("no-such-group-nd", result.stdout + result.stderr)


class FailedAttemptsSurviveTest(TelegramTestCase):
    def test_the_wrong_code_limit_survives_a_reload_and_a_restart(self):
        daemon = self.telegram_daemon().start()
        for _ in range(5):
            self.assertEqual(daemon.request("POST", "/api/telegram/verify", {"code": "999999", "user": "bob"})[0], 400)
        self.assertEqual(daemon.request("POST", "/api/telegram/verify", {"code": "999999", "user": "bob"})[0], 429)

        # A changed bot table: the reload recreates the Telegram plugin, which reads the counters back.
        started = daemon.log().count("plugins; data in")
        daemon.config_path.write_text(daemon.config_path.read_text().replace(
            'use = "telegram"\n', 'use = "telegram"\npoll_timeout = "20s"\n', 1))
        daemon.process.send_signal(signal.SIGHUP)
        self.wait_for(lambda: daemon.log().count("plugins; data in") > started, message="the reload")
        self.wait_for(lambda: self._verify_status(daemon) is not None, message="the socket after the reload")
        self.assertEqual(self._verify_status(daemon), 429)

        self.assertEqual(daemon.stop(), 0)
        daemon.start()
        self.assertEqual(self._verify_status(daemon), 429)
        self.assertEqual(daemon.request("POST", "/api/telegram/verify", {"code": "999999", "user": "carol"})[0], 400)
        self.assertEqual(daemon.stop(), 0)

    @staticmethod
    def _verify_status(daemon):
        try:
            return daemon.request("POST", "/api/telegram/verify", {"code": "999999", "user": "bob"}, timeout=2)[0]
        except OSError:
            return None
