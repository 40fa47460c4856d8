"""`notifyctl cluster import` / `export`: a real single-node data directory
(made by the daemon in local mode) into PostgreSQL and back. Runs in the
`postgres` ctest label, against the PostgreSQL of the fixture."""

import hashlib
import json
import os
import pathlib
import re
import socket
import subprocess
import sys
import time
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "fixtures"))

from fake_bot_api import FakeBotApi  # noqa: E402
from harness import BACKEND, NOTIFYCTL, Daemon, DaemonTestCase  # noqa: E402

TOKEN = "123456:TEST-token"
SECRET = "migration-test-secret"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000000000200010de2274a0000000049454e44ae426082")
# The files of a data directory that are not documents: the store's own, the
# saved ephemeral keys, locks and temp files.
STORE_FILES = re.compile(r"^(notifyd\.db(-wal|-shm|-journal)?|ephemeral\.json|images/.*)$|(^|/)\.[^/]+\.tmp\d+$|\.lock$")


def psql(dsn, sql):
    return subprocess.run(["psql", dsn, "-tAc", sql], capture_output=True, text=True, check=True, timeout=60).stdout.strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def documents_of(data_dir):
    """Every document file of a data directory by relative name: (bytes, mode)."""
    found = {}
    for path in sorted(pathlib.Path(data_dir).rglob("*")):
        name = path.relative_to(data_dir).as_posix()
        if path.is_file() and not path.is_symlink() and not STORE_FILES.search(name):
            found[name] = (path.read_bytes(), path.stat().st_mode & 0o777)
    return found


@unittest.skipUnless(BACKEND == "postgres", "needs the postgres ctest fixture (ctest -L postgres)")
class ClusterMigrationTest(DaemonTestCase):
    def setUp(self):
        super().setUp()
        server = pathlib.Path(os.environ["NOTIFYD_TEST_PG_DSN_FILE"]).read_text().strip()
        name = "mig_" + hashlib.sha256(self.tmp.encode()).hexdigest()[:24]
        psql(server, f"CREATE DATABASE {name}")
        self.dsn = f"{server} dbname={name}"
        self.dsn_file = pathlib.Path(self.tmp) / "cluster.dsn"
        self.dsn_file.write_text(self.dsn + "\n")
        os.chmod(self.dsn_file, 0o600)
        (pathlib.Path(self.tmp) / "jwt.secret").write_text(SECRET + "\n")
        self.api = FakeBotApi(tokens=(TOKEN,))
        self.api.start()
        self.addCleanup(self.api.stop)

    def node(self, name, cluster_toml=""):
        """A daemon in its own directory with telegram, websocket and a native check, on `cluster_toml`
        (nothing: local mode, whatever the ctest label says)."""
        workdir = pathlib.Path(self.tmp) / name
        workdir.mkdir()
        plugins = (f'[[plugin]]\nuse = "telegram"\nname = "tg"\ntoken_env = "TELEGRAM_BOT_TOKEN"\n'
                   f'api_base_url = "{self.api.base_url}"\n\n'
                   f'[[plugin]]\nuse = "websocket"\nname = "desk"\nlisten = "127.0.0.1:{free_port()}"\n'
                   f'jwt_secret_file = "{self.tmp}/jwt.secret"\n\n'
                   '[[check]]\nname = "probe"\nuse = "native_probe"\nnotify = ["alice"]\nmode = "alert"\n')
        daemon = Daemon(workdir, plugins, daemon_extra='file_mode = "0660"', env={"TELEGRAM_BOT_TOKEN": TOKEN})
        self.daemons.append(daemon)
        self.use_fixture_plugins(daemon)
        config = re.sub(r'\[cluster\]\nbackend = "postgres"\ndsn_file = "[^"]*"\n', "", daemon.config_path.read_text())
        daemon.config_path.write_text(config.replace("\n[[plugin]]\nuse = \"socket\"", cluster_toml + "\n[[plugin]]\nuse = \"socket\"", 1))
        return daemon

    def notifyctl(self, *args):
        return subprocess.run([NOTIFYCTL, *args], capture_output=True, text=True, timeout=120)

    def history(self, daemon):
        status, page = daemon.request("GET", "/v1/history?user=alice&limit=100")
        self.assertEqual(status, 200, page)
        return page["notifications"]

    def state(self, daemon):
        """What a daemon serves from its store and documents: history, runs, links."""
        status, runs = daemon.request("GET", "/v1/checks/probe/runs?user=alice")
        self.assertEqual(status, 200, runs)
        status, users = daemon.request("GET", "/api/telegram/users")
        self.assertEqual(status, 200, users)
        return {"history": self.history(daemon), "runs": runs, "users": users}

    def make_single_node(self):
        """A real data directory: notifications (one with an image) delivered to a linked Telegram
        chat, a pending code, check runs with a cooldown, cron state, a desktop ledger."""
        source = self.node("source")
        source.data_dir.mkdir(parents=True)
        (source.data_dir / "telegram_users.json").write_text(
            json.dumps({"alice": {"chat_id": 111, "linked_at": "2026-12-01T10:00:00Z"}}))
        (source.data_dir / "cron_state.json").write_text(
            '{"version": 1, "checks": {"alice": {"probe": {"last_fire": 1764583200}}}}\n')
        source.start()
        self.wait_for(lambda: self.api.calls("getMe"), message="the bot connects")
        self.api.push_message(222, "/start")
        self.wait_for(lambda: (source.data_dir / "pending_codes.json").exists(), message="a pending code")
        image = pathlib.Path(self.tmp) / "chart.png"
        image.write_bytes(PNG)
        sent = self.notifyctl("--socket", source.socket_path, "send", "--user", "alice", "--title", "Sales",
                              "--image", str(image), "today's chart")
        self.assertEqual(sent.returncode, 0, sent.stderr)
        status, body = source.request("POST", "/send", {"user": "alice", "text": "plain *text*"})
        self.assertEqual(status, 200, body)
        for expected in ("notified", "cooldown"):
            status, run = source.request("POST", "/v1/checks/probe/run?user=alice", "")
            self.assertEqual(status, 200, run)
            self.assertEqual(run["run"]["outcome"], expected, run)
        status, token = source.request("POST", "/api/desktop/token", {"user": "carol"})
        self.assertEqual(status, 200, token)
        self.wait_for(lambda: len(self.history(source)) == 3 and all(
            d["state"] != "pending" for n in self.history(source) for d in n["deliveries"]),
            message="every delivery made")
        before = self.state(source)
        return source, before

    def test_import_then_export_round_trips_a_real_data_directory(self):
        source, before = self.make_single_node()
        self.assertEqual(len(before["runs"]["runs"]), 2, before["runs"])

        running = self.notifyctl("cluster", "import", "--config", str(source.config_path), "--dsn-file", str(self.dsn_file))
        self.assertEqual(running.returncode, 1, running.stdout)
        self.assertIn(f"the store in {source.data_dir} is in use by process {source.process.pid}", running.stderr)
        self.assertEqual(psql(self.dsn, "SELECT to_regclass('notifications') IS NULL"), "t", "nothing was created")
        self.assertEqual(source.stop(), 0)
        documents = documents_of(source.data_dir)
        self.assertLessEqual({"telegram_users.json", "pending_codes.json", "tg_telegram_state.json", "cron_state.json",
                              "cooldowns/alice/probe.json", "websocket_desk_users.json"}, set(documents))

        imported = self.notifyctl("--json", "cluster", "import", "--config", str(source.config_path),
                                  "--dsn-file", str(self.dsn_file))
        self.assertEqual(imported.returncode, 0, imported.stderr)
        report = json.loads(imported.stdout)
        self.assertEqual((report["notifications"], report["images"], report["runs"]), (3, 1, 2), report)
        self.assertEqual(report["deliveries"], 3, report)
        self.assertEqual(sorted(report["documents"]), sorted(documents), report)
        self.assertEqual(psql(self.dsn, "SELECT count(*) FROM documents"), str(len(documents)))
        self.assertEqual(psql(self.dsn, "SELECT nextval('notification_ids')"),
                         str(max(n["id"] for n in before["history"]) + 1))
        self.assertEqual(psql(self.dsn, "SELECT content FROM documents WHERE name = 'telegram_users.json'"),
                         "\\x" + documents["telegram_users.json"][0].hex())

        again = self.notifyctl("cluster", "import", "--config", str(source.config_path), "--dsn-file", str(self.dsn_file))
        self.assertEqual(again.returncode, 1)
        self.assertIn("the database already holds 3 notifications, 2 runs and", again.stderr)
        self.assertIn("give --replace", again.stderr)
        replaced = self.notifyctl("cluster", "import", "--replace", "--config", str(source.config_path),
                                  "--dsn-file", str(self.dsn_file))
        self.assertEqual(replaced.returncode, 0, replaced.stderr)
        self.assertIn("imported " + str(source.data_dir) + " into PostgreSQL:\n  3 notifications (1 image)\n",
                      replaced.stdout)

        target = pathlib.Path(self.tmp) / "returned"
        exported = self.notifyctl("cluster", "export", "--data-dir", str(target), "--config", str(source.config_path),
                                  "--dsn-file", str(self.dsn_file))
        self.assertEqual(exported.returncode, 0, exported.stderr)
        self.assertIn(f"exported PostgreSQL into {target}:", exported.stdout)
        returned_documents = documents_of(target)
        self.assertEqual({name: content for name, (content, _) in returned_documents.items()},
                         {name: content for name, (content, _) in documents.items()}, "documents byte for byte")
        self.assertEqual({mode for _, mode in returned_documents.values()}, {0o660}, "the daemon's file_mode")
        self.assertEqual(os.stat(target / "notifyd.db").st_mode & 0o777, 0o660)
        image_id = next(n["id"] for n in before["history"] if n["image"])
        self.assertEqual((target / "images" / f"{image_id}.png").read_bytes(), PNG)
        refused = self.notifyctl("cluster", "export", "--data-dir", str(target), "--dsn-file", str(self.dsn_file))
        self.assertEqual(refused.returncode, 1)
        self.assertIn(f"{target} is not empty", refused.stderr)

        returned = self.node("one")
        returned.config_path.write_text(returned.config_path.read_text().replace(
            f'data_dir = "{returned.data_dir}"', f'data_dir = "{target}"'))
        returned.data_dir = target
        returned.start()
        self.assertEqual(self.state(returned), before, "the exported directory serves the same history and links")
        self.assertEqual(returned.stop(), 0)

        replica = self.node("replica", f'[cluster]\nbackend = "postgres"\ndsn_file = "{self.dsn_file}"\n')
        doctor = self.notifyctl("--json", "doctor", "--config", str(replica.config_path))
        found = {check["subject"]: check for check in json.loads(doctor.stdout)["checks"]}
        self.assertEqual(found["postgres"]["verdict"], "ok", found)
        self.assertRegex(found["postgres"]["detail"], r"^connected; schema version \d+$")
        self.assertNotIn(self.dsn, doctor.stdout)
        replica.start()
        self.assertEqual(self.state(replica), before, "a replica on the database serves the same history, runs and links")
        self.assertEqual(replica.stop(), 0)

    def test_refusals_say_why_with_their_exit_status(self):
        source = self.node("source")
        source.data_dir.mkdir(parents=True)
        (source.data_dir / "telegram_users.json").write_text("{}")

        closed = pathlib.Path(self.tmp) / "closed.dsn"
        closed.write_text("host=127.0.0.1 port=1 dbname=none user=secretuser password=hunter2 connect_timeout=2\n")
        unreachable = self.notifyctl("cluster", "import", "--config", str(source.config_path), "--dsn-file", str(closed))
        self.assertEqual(unreachable.returncode, 2, unreachable.stderr)
        self.assertIn("notifyctl: cannot connect to PostgreSQL:", unreachable.stderr)
        self.assertNotIn("hunter2", unreachable.stderr)

        no_dsn = self.notifyctl("cluster", "import", "--config", str(source.config_path))
        self.assertEqual(no_dsn.returncode, 64, no_dsn.stderr)
        self.assertIn("no PostgreSQL connection string: give --dsn-file FILE", no_dsn.stderr)

        empty_db = self.notifyctl("cluster", "export", "--data-dir", f"{self.tmp}/new", "--dsn-file", str(self.dsn_file))
        self.assertEqual(empty_db.returncode, 1, empty_db.stderr)
        self.assertIn("the database holds no notifyd data", empty_db.stderr)
        self.assertFalse(pathlib.Path(f"{self.tmp}/new").exists(), "a failed export leaves nothing behind")

        doctor = self.notifyctl("--json", "doctor", "--config", str(self.node(
            "clustered", f'[cluster]\nbackend = "postgres"\ndsn_file = "{closed}"\n').config_path))
        found = {c["subject"]: c for c in json.loads(doctor.stdout)["checks"]}
        self.assertEqual(found["postgres"]["verdict"], "fail", found)
        self.assertIn("cannot connect to PostgreSQL", found["postgres"]["detail"])
        self.assertNotIn("hunter2", doctor.stdout)


@unittest.skipUnless(BACKEND == "local", "the single-node store's lock")
class StoreLockTest(DaemonTestCase):
    def test_a_second_daemon_on_the_same_data_directory_is_refused(self):
        first = self.daemon().start()
        workdir = pathlib.Path(self.tmp) / "second"
        workdir.mkdir()
        second = Daemon(workdir, "")
        self.daemons.append(second)
        second.config_path.write_text(second.config_path.read_text().replace(
            f'data_dir = "{second.data_dir}"', f'data_dir = "{first.data_dir}"'))
        second.start(wait=False)
        self.assertEqual(second.process.wait(60), 1)
        self.assertIn(f"the store in {first.data_dir} is in use by process {first.process.pid}", second.log())
        self.assertEqual(first.request("GET", "/health")[0], 200)
        self.assertEqual(first.stop(), 0)


if __name__ == "__main__":
    unittest.main()
