"""Starts the real notifyd binary with a temporary config and talks to it over
its real unix socket. Shared by every integration test."""

import base64
import hashlib
import http.client
import json
import os
import pathlib
import pwd
import re
import shutil
import signal
import sys
import socket
import sqlite3
import subprocess
import tempfile
import time
import unittest

NOTIFYD = os.environ.get("NOTIFYD_BIN", "build/asan/bin/notifyd")
NOTIFYCTL = os.environ.get("NOTIFYCTL_BIN", "build/asan/bin/notifyctl")
PLUGIN_DIR = os.environ.get("NOTIFYD_PLUGIN_DIR", "build/asan/lib/notifyd")
FIXTURE_DIR = os.environ.get("NOTIFYD_FIXTURE_DIR", "build/asan/lib/notifyd-fixtures")
SOURCE_DIR = pathlib.Path(os.environ.get("NOTIFYD_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
# "postgres": every daemon keeps its store in a database of its own on the
# PostgreSQL of the `postgres` ctest fixture (NOTIFYD_TEST_PG_DSN_FILE).
BACKEND = os.environ.get("NOTIFYD_TEST_BACKEND", "local")


def cluster_toml(data_dir, extra=""):
    """The [cluster] table for BACKEND, with the keys in `extra`: only those
    for "local"; for "postgres", a database named after `data_dir` (created
    once, so daemons that share a data directory share it too) and its
    connection string in a file."""
    if BACKEND == "local":
        return f"[cluster]\n{extra}\n" if extra else ""
    if BACKEND != "postgres":
        raise AssertionError(f"NOTIFYD_TEST_BACKEND must be local or postgres, not {BACKEND!r}")
    server = pathlib.Path(os.environ["NOTIFYD_TEST_PG_DSN_FILE"]).read_text().strip()
    name = "it_" + hashlib.sha256(str(data_dir).encode()).hexdigest()[:24]
    exists = subprocess.run(["psql", server, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                            capture_output=True, text=True, check=True, timeout=60)
    if exists.stdout.strip() != "1":
        subprocess.run(["psql", server, "-qc", f"CREATE DATABASE {name}"], capture_output=True, check=True, timeout=60)
    dsn_file = pathlib.Path(str(data_dir) + ".dsn")
    dsn_file.write_text(f"{server} dbname={name}\n")
    os.chmod(dsn_file, 0o600)
    return f'[cluster]\nbackend = "postgres"\ndsn_file = "{dsn_file}"\n{extra}\n'


def psql(dsn, sql, **variables):
    """Runs `sql` (psql variables such as :'name' set from `variables`) and
    returns psql's unaligned output."""
    arguments = ["psql", dsn, "-tAq", "-v", "ON_ERROR_STOP=1"]
    for key, value in variables.items():
        arguments += ["-v", f"{key}={value}"]
    return subprocess.run(arguments, input=sql, capture_output=True, text=True, check=True, timeout=60).stdout


def figure(test, name, value, target):
    """Prints one figure of a test the way the chaos suite's are quoted:
    `[test] figure: value (target)`."""
    sys.stderr.write(f"[{test}] {name}: {value} ({target})\n")


# The documents lock of core/src/pg_document_store.hpp: a writer of the
# documents table takes it before drawing a version.
DOCUMENTS_VERSIONS_LOCK = 1685021555


class UnixHTTPConnection(http.client.HTTPConnection):
    """http.client over a unix socket."""

    def __init__(self, path, timeout=10):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.unix_path)


def request(path, method, target, body=None, headers=None, timeout=10):
    """One request on a fresh connection: (status, parsed JSON or raw text)."""
    conn = UnixHTTPConnection(path, timeout)
    try:
        payload = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
        hdrs = {"Content-Type": "application/json"} if payload is not None else {}
        hdrs.update(headers or {})
        conn.request(method, target, body=payload, headers=hdrs)
        response = conn.getresponse()
        data = response.read()
        try:
            return response.status, json.loads(data)
        except ValueError:
            return response.status, data.decode(errors="replace")
    finally:
        conn.close()


class Daemon:
    """A notifyd process with its own data directory and socket."""

    def __init__(self, workdir, plugins_toml, daemon_extra="", pipeline_toml="", socket_extra="", env=None,
                 binary=None, cluster_extra=""):
        self.workdir = pathlib.Path(workdir)
        self.binary = binary or NOTIFYD
        self.env = env or {}
        self.socket_path = str(self.workdir / "notifyd.sock")
        self.data_dir = self.workdir / "data"
        self.config_path = self.workdir / "notifyd.toml"
        self.stdout_path = self.workdir / "stdout.log"
        self.stderr_path = self.workdir / "stderr.log"
        # Quick retries, and recipients such as "alice" that this machine has no
        # account for, unless the test sets its own.
        fast_retries = "\n".join(f"{key} = {value}" for key, value in
                                  (("retry_initial", '"20ms"'), ("retry_max", '"200ms"'), ("recipients", '"any"'))
                                  if not re.search(rf"^\s*{key}\s*=", pipeline_toml, re.M))
        self.config_path.write_text(
            f"""
[daemon]
data_dir = "{self.data_dir}"
plugin_dir = "{PLUGIN_DIR}"
threads = 2
shutdown_timeout = "5s"
{daemon_extra}

[pipeline]
{fast_retries}
{pipeline_toml}

{cluster_toml(self.data_dir, cluster_extra)}
[[plugin]]
use = "socket"
name = "api"
path = "{self.socket_path}"
mode = "0666"
{socket_extra}

{plugins_toml}
"""
        )
        self.process = None
        self.ended_by_test = False
        self.documents_to_write = {}  # postgres: written once the daemon created its tables

    def start(self, wait=True):
        self.stdout = open(self.stdout_path, "ab")
        self.stderr = open(self.stderr_path, "ab")
        self.process = subprocess.Popen([self.binary, "-c", str(self.config_path)], stdout=self.stdout, stderr=self.stderr,
                                        env={**os.environ, **self.env})
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"notifyd exited with {self.process.returncode}:\n{self.log()}")
            try:
                status, _ = request(self.socket_path, "GET", "/health", timeout=2)
                if status == 200:
                    for name, content in self.documents_to_write.items():
                        self.write_document(name, content)
                    self.documents_to_write = {}
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError("notifyd did not become ready:\n" + self.log())

    def request(self, method, target, body=None, headers=None, timeout=10):
        return request(self.socket_path, method, target, body, headers, timeout)

    def stop(self, sig=signal.SIGTERM, timeout=20):
        self.ended_by_test = True
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout)
            if sig == signal.SIGTERM and code != 0:
                # A test asserts the code; the log says why.
                sys.stderr.write(f"notifyd exited with {code} after SIGTERM; its log:\n{self.log()[-8000:]}\n")
            return code
        finally:
            self.stdout.close()
            self.stderr.close()

    def dsn(self):
        """postgres: the connection string of this daemon's database."""
        return pathlib.Path(str(self.data_dir) + ".dsn").read_text().strip()

    def read_document(self, name):
        """Document `name` (`telegram_users.json`, `cron_state.json` …) as text, None when it
        does not exist: the file in data_dir, or the row in the database with BACKEND postgres."""
        if BACKEND == "postgres":
            if psql(self.dsn(), "SELECT to_regclass('documents') IS NOT NULL").strip() != "t":
                return None
            found = psql(self.dsn(), "SELECT coalesce(encode(content, 'base64'), 'absent') FROM documents "
                                     "WHERE name = :'name'", name=name).strip()
            return None if found in ("", "absent") else base64.b64decode(found).decode()
        path = self.data_dir / name
        return path.read_text() if path.exists() else None

    def write_document(self, name, content):
        """Sets document `name` to `content` as another program would: the file in
        data_dir, or the row (with a new version and the doorbell) with BACKEND
        postgres. Before the daemon first created its tables, that waits for the
        daemon to be ready."""
        if BACKEND == "postgres":
            if psql(self.dsn(), "SELECT to_regclass('documents') IS NOT NULL").strip() != "t":
                self.documents_to_write[name] = content
                return
            psql(self.dsn(), f"""BEGIN;
SELECT pg_advisory_xact_lock({DOCUMENTS_VERSIONS_LOCK});
INSERT INTO documents(name, content, version) VALUES (:'name', decode(:'content', 'base64'), nextval('document_versions'))
  ON CONFLICT (name) DO UPDATE SET content = excluded.content, version = excluded.version, changed_at = clock_timestamp();
SELECT pg_notify('notifyd_documents', '');
COMMIT;""", name=name, content=base64.b64encode(content.encode()).decode())
            return
        path = self.data_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)

    def delivery_state(self, notification_id):
        """The state of the notification's (first) delivery, read from the store while the daemon is stopped."""
        if BACKEND == "postgres":
            return subprocess.run(["psql", self.dsn(), "-tAc", "SELECT state FROM deliveries WHERE notification_id = "
                                   f"{int(notification_id)} ORDER BY channel LIMIT 1"],
                                  capture_output=True, text=True, check=True, timeout=60).stdout.strip()
        with sqlite3.connect(self.data_dir / "notifyd.db") as db:
            return db.execute("SELECT state FROM deliveries WHERE notification_id = ? ORDER BY channel LIMIT 1",
                              (notification_id,)).fetchone()[0]

    def kill(self):
        self.ended_by_test = True
        self.process.kill()
        self.process.wait()
        self.stdout.close()
        self.stderr.close()

    def log(self):
        return self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""

    def output(self):
        return self.stdout_path.read_text(errors="replace") if self.stdout_path.exists() else ""


def as_user(user, fn):
    """Runs fn() in a forked child whose uid/gid are `user`'s; returns its result (JSON-serialisable)."""
    entry = pwd.getpwnam(user)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_fd)
            os.initgroups(user, entry.pw_gid)
            os.setgid(entry.pw_gid)
            os.setuid(entry.pw_uid)
            result = json.dumps(fn()).encode()
            os.write(write_fd, result)
        except BaseException as error:  # reported to the parent
            os.write(write_fd, json.dumps({"child_error": repr(error)}).encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    chunks = []
    while True:
        chunk = os.read(read_fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_fd)
    os.waitpid(pid, 0)
    return json.loads(b"".join(chunks))


class UnixUsers:
    """Unix users and groups a test class creates (as root, with useradd/groupadd) and removes afterwards."""

    def __init__(self):
        self.users = []
        self.groups = []

    def add_group(self, name):
        self._run(["groupadd", name])
        self.groups.append(name)
        return name

    def add_user(self, name, groups=()):
        self._run(["useradd", "-m", "-s", "/bin/sh", *(["-G", ",".join(groups)] if groups else []), name])
        self.users.append(name)
        return name

    def remove(self):
        for user in self.users:
            subprocess.run(["userdel", "-r", "-f", user], capture_output=True)
        for group in self.groups:
            subprocess.run(["groupdel", group], capture_output=True)
        self.users, self.groups = [], []

    def _run(self, command):
        try:
            subprocess.run(command, check=True, capture_output=True)
        except subprocess.CalledProcessError as error:
            self.remove()
            raise unittest.SkipTest(f"cannot create test users: {error.stderr.decode(errors='replace').strip()}")


class DaemonTestCase(unittest.TestCase):
    """A test case with a temp directory (world-traversable, for tests that switch users)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="notifyd-it-")
        os.chmod(self.tmp, 0o755)
        self.daemons = []

    def tearDown(self):
        for daemon in self.daemons:
            if daemon.process and daemon.process.poll() is None:
                daemon.kill()
            elif daemon.process and not daemon.ended_by_test:
                # It died on its own: whatever the test said, its log tells why.
                sys.stderr.write(f"notifyd exited by itself with {daemon.process.returncode}; its log:\n"
                                 f"{daemon.log()[-8000:]}\n")
        shutil.rmtree(self.tmp, ignore_errors=True)

    def daemon(self, plugins_toml="", **kwargs):
        daemon = Daemon(self.tmp, plugins_toml, **kwargs)
        self.daemons.append(daemon)
        return daemon

    def fixture_daemon(self, plugins_toml="", **kwargs):
        """A daemon whose plugin_dir holds both the real plugins and the test fixtures."""
        daemon = self.daemon(plugins_toml, **kwargs)
        self.use_fixture_plugins(daemon)
        return daemon

    def use_fixture_plugins(self, daemon):
        """Points the daemon's plugin_dir at a directory linking real and fixture plugins."""
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

    def wait_for(self, predicate, timeout=20, message="condition"):
        """Polls `predicate` until it is truthy; on timeout fails with `message`
        (a callable is asked then, to say what is missing) and the daemons' logs."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.05)
        logs = "".join(f"\n--- the end of notifyd's log ({daemon.workdir}) ---\n{daemon.log()[-6000:]}"
                       for daemon in self.daemons)
        self.fail(f"timed out waiting for {message() if callable(message) else message}{logs}")
