"""`[cluster] backend = "postgres"`: the store in PostgreSQL, checked by
`--check-config`, surviving kill -9. Runs in the `postgres` ctest label
(NOTIFYD_TEST_BACKEND=postgres), against the PostgreSQL of the fixture."""

import os
import pathlib
import subprocess
import unittest

from harness import BACKEND, NOTIFYD, PLUGIN_DIR, DaemonTestCase

SERVER_DSN_FILE = os.environ.get("NOTIFYD_TEST_PG_DSN_FILE", "")


def psql(dsn, sql):
    return subprocess.run(["psql", dsn, "-tAc", sql], capture_output=True, text=True, check=True, timeout=60).stdout.strip()


@unittest.skipUnless(BACKEND == "postgres", "needs the postgres ctest fixture (ctest -L postgres)")
class PostgresStoreTest(DaemonTestCase):
    def server(self):
        return pathlib.Path(SERVER_DSN_FILE).read_text().strip()

    def check_config(self, cluster_toml, env=None):
        config = pathlib.Path(self.tmp) / "check.toml"
        config.write_text(f'[daemon]\ndata_dir = "{self.tmp}/data"\nplugin_dir = "{PLUGIN_DIR}"\n\n{cluster_toml}')
        return subprocess.run([NOTIFYD, "--check-config", "-c", str(config)], capture_output=True, text=True,
                              env={**os.environ, **(env or {})}, timeout=60)

    def test_check_config_connects_and_reads_the_schema_version(self):
        database = "check_" + pathlib.Path(self.tmp).name.replace("-", "_").lower()
        psql(self.server(), f"CREATE DATABASE {database}")
        dsn = f"{self.server()} dbname={database}"
        fresh = self.check_config('[cluster]\nbackend = "postgres"\ndsn_env = "TEST_DSN"\n', {"TEST_DSN": dsn})
        self.assertEqual(fresh.returncode, 0, fresh.stderr)

        psql(dsn, "CREATE TABLE notifyd_schema(version integer PRIMARY KEY, applied_at timestamptz DEFAULT now());"
                  "INSERT INTO notifyd_schema(version) VALUES (99)")
        newer = self.check_config('[cluster]\nbackend = "postgres"\ndsn_env = "TEST_DSN"\n', {"TEST_DSN": dsn})
        self.assertEqual(newer.returncode, 1)
        self.assertIn("[cluster]: the database's notifyd schema is version 99, newer than this notifyd's", newer.stderr)
        self.assertNotIn(dsn, newer.stderr)

        closed = self.check_config('[cluster]\nbackend = "postgres"\ndsn_env = "TEST_DSN"\n',
                                   {"TEST_DSN": "host=127.0.0.1 port=1 dbname=x connect_timeout=2"})
        self.assertEqual(closed.returncode, 1)
        self.assertIn("[cluster]: cannot connect to PostgreSQL:", closed.stderr)

        missing = self.check_config('[cluster]\nbackend = "postgres"\n')
        self.assertEqual(missing.returncode, 1)
        self.assertIn('backend = "postgres" needs the connection string: dsn_env or dsn_file', missing.stderr)
        unknown = self.check_config('[cluster]\nbackend = "redis"\n')
        self.assertIn('`backend` must be "local" or "postgres", not "redis"', unknown.stderr)

    def test_notifications_live_in_postgresql_and_survive_kill_9(self):
        record = pathlib.Path(self.tmp) / "delivered.txt"
        channel = f'[[plugin]]\nuse = "test_channel"\nname = "bot"\nfail_times = 1000000\nrecord_file = "{record}"\n'
        daemon = self.fixture_daemon(channel).start()
        accepted = []
        for i in range(20):
            status, body = daemon.request("POST", "/send", {"user": "alice", "text": f"n{i}"})
            self.assertEqual(status, 200, body)
            accepted.append(body["id"])
        self.assertEqual(accepted, sorted(accepted))
        daemon.kill()
        self.assertFalse((daemon.data_dir / "notifyd.db").exists(), "the store must not be the SQLite file")
        dsn = pathlib.Path(str(daemon.data_dir) + ".dsn").read_text().strip()
        self.assertEqual(psql(dsn, "SELECT count(*) FROM deliveries WHERE state = 'pending'"), "20")

        daemon.config_path.write_text(daemon.config_path.read_text().replace("fail_times = 1000000", "fail_times = 0"))
        daemon.start()
        self.wait_for(lambda: len(record.read_text().splitlines()) >= 20 if record.exists() else False,
                      message="every accepted notification delivered after the restart")
        delivered = sorted(int(line.split()[0]) for line in record.read_text().splitlines())
        self.assertEqual(delivered, accepted)
        status, history = daemon.request("GET", "/v1/history?user=alice&limit=5")
        self.assertEqual(status, 200, history)
        self.assertEqual([n["id"] for n in history["notifications"]], accepted[::-1][:5])
        self.assertEqual(daemon.stop(), 0)


if __name__ == "__main__":
    unittest.main()
