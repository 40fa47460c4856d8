"""The config is validated before anything starts: every mistake with its
position, and broken plugins refused with the file and the reason."""

import pathlib
import re
import subprocess
import unittest

from harness import FIXTURE_DIR, NOTIFYD, PLUGIN_DIR, SOURCE_DIR, DaemonTestCase


def run_notifyd(*args, timeout=60):
    return subprocess.run([NOTIFYD, *args], capture_output=True, text=True, timeout=timeout)


class CheckConfigTest(DaemonTestCase):
    def write(self, name, text):
        path = pathlib.Path(self.tmp) / name
        path.write_text(text)
        return str(path)

    def assert_mistakes(self, config, expected):
        """`--check-config` prints exactly `expected`, (line:col, text) pairs in order, then their count."""
        result = run_notifyd("--check-config", "-c", config)
        self.assertEqual(result.returncode, 1, result.stderr)
        lines = result.stderr.splitlines()
        self.assertEqual(lines[-1], f"notifyd: {config} has {len(expected)} mistakes", result.stderr)
        mistakes = lines[:-1]
        self.assertEqual(len(mistakes), len(expected), result.stderr)
        for line, (position, text) in zip(mistakes, expected):
            self.assertTrue(line.startswith(f"{config}:{position}: "), f"{position}: {line}")
            self.assertIn(text, line)
        self.assertEqual(result.stdout, "")

    def test_three_mistakes_are_all_reported_with_line_and_column(self):
        config = self.write("three.toml", f"""[daemon]
data_dir = "{self.tmp}/data"
plugin_dir = "{PLUGIN_DIR}"
threads = "four"

[[plugin]]
use = "console"
formt = "json"

[[plugin]]
use = "socket"
path = "{self.tmp}/s.sock"
max_connections = true
""")
        result = run_notifyd("--check-config", "-c", config)
        self.assertEqual(result.returncode, 1, result.stderr)
        lines = [line for line in result.stderr.splitlines() if line.startswith(config)]
        self.assertEqual(len(lines), 3, result.stderr)
        self.assertIn(f"{config}:4:11: [daemon]: `threads` must be an integer, not a string", lines)
        self.assertTrue(any(l.startswith(f"{config}:8:1: plugin \"console\" (console): unknown key `formt`") for l in lines), lines)
        self.assertIn(f"{config}:13:19: plugin \"socket\" (socket): `max_connections` must be an integer, not a boolean", lines)
        self.assertIn("has 3 mistakes", result.stderr)

    def test_ten_mistakes_of_every_kind_are_all_reported_in_one_run(self):
        config = self.write("ten.toml", f"""[daemon]
data_dir = "{self.tmp}/data"
plugin_dir = "{PLUGIN_DIR}"
threads = 0

[pipeline]
retry_max = "1m"
max_in_flight = -5

[[plugin]]
use = "socket"
path = "{self.tmp}/api.sock"
mode = "999"

[[plugin]]
use = "console"
formt = "json"

[[plugin]]
use = "webui"
name = "web"
listen = "0.0.0.0:0"
auth = "none"

[[plugin]]
use = "websocket"
name = "desktop"
listen = "127.0.0.1:0"
max_frame = -1

[[plugin]]
use = "telegram"
per_chat_rate = "fast"

[[plugin]]
use = "cron"
default_schedule = "61 * * * *"

[[check]]
name = "disk"
use = "disk_space"
notify = ["root"]
schedule = "*/5 * * *"
min_free_percent = "ten"
""")
        self.assert_mistakes(config, [
            ("4:11", "[daemon]: `threads` must be at least 1, not 0"),
            ("8:17", "[pipeline]: `max_in_flight` must be at least 1, not -5"),
            ("13:8", "/notifyd_socket.so): mode: \"999\" is not an octal file mode"),
            ("17:1", "plugin \"console\" (console): unknown key `formt`"),
            ("23:8", "/notifyd_webui.so): auth: \"none\" lets anyone act as"),
            ("29:13", "/notifyd_websocket.so): max_frame: must be between"),
            ("33:17", "/notifyd_telegram.so): per_chat_rate: "),
            ("37:20", "/notifyd_cron.so): default_schedule: \"61 * * * *\":"),
            ("43:12", "[[check]]: `schedule` \"*/5 * * *\" has 4 fields"),
            ("44:20", "check \"disk\" (disk_space): `min_free_percent` must be an integer"),
        ])

    def test_every_mistake_inside_one_plugin_table_is_reported(self):
        config = self.write("plugins.toml", f"""[daemon]
data_dir = "{self.tmp}/data"
plugin_dir = "{PLUGIN_DIR}"

[[plugin]]
use = "socket"
mode = "999"
max_connections_per_user = 0
reserved_connections = -1

[[plugin]]
use = "websocket"
listen = "nowhere"
max_frame = -1
public_url = "http://x/"

[[plugin]]
use = "telegram"
api_base_url = "ftp://x"
per_chat_burst = 0
codes_file = "../codes.json"

[[plugin]]
use = "cron"
time_zone = "Mars/Olympus"
default_schedule = "61 * * * *"
refresh_interval = "10ms"
""")
        self.assert_mistakes(config, [
            ("7:8", "/notifyd_socket.so): mode: \"999\" is not an octal file mode"),
            ("8:28", "/notifyd_socket.so): max_connections_per_user: must be greater than zero"),
            ("9:24", "/notifyd_socket.so): reserved_connections: must be at least 0 and less than max_connections"),
            ("13:10", "/notifyd_websocket.so): listen: \"nowhere\" is not host:port"),
            ("14:13", "/notifyd_websocket.so): max_frame: must be between 256 and"),
            ("15:14", "/notifyd_websocket.so): public_url: must start with ws:// or wss://"),
            ("19:16", "/notifyd_telegram.so): api_base_url: must start with https:// or http://"),
            ("20:18", "/notifyd_telegram.so): per_chat_burst: must be between 1 and 100"),
            ("21:14", "/notifyd_telegram.so): codes_file: must be a relative path inside the data directory"),
            ("25:13", "/notifyd_cron.so): time_zone: unknown time zone \"Mars/Olympus\""),
            ("26:20", "/notifyd_cron.so): default_schedule: \"61 * * * *\": "),
            ("27:20", "/notifyd_cron.so): refresh_interval: must be between 1s and 24h"),
        ])

    def test_bound_keys_report_every_broken_constraint_and_document_it(self):
        config = self.write("bound.toml", f"""[daemon]
data_dir = "{self.tmp}/data"
plugin_dir = "{PLUGIN_DIR}"

[[plugin]]
use = "exec"
users = ["a/b"]
timeout = "0s"
max_children = 0

[[plugin]]
use = "console"
format = "xml"
""")
        self.assert_mistakes(config, [
            ("7:9", "/notifyd_exec.so): users: \"a/b\" is not a user name"),
            ("8:11", "/notifyd_exec.so): timeout: must be above 0"),
            ("9:16", "/notifyd_exec.so): max_children: must be between 1 and 1024"),
            ("13:10", "/notifyd_console.so): format: must be one of \"text\", \"json\", got \"xml\""),
        ])
        docs = run_notifyd("--describe-plugins", "-c", config)
        self.assertEqual(docs.returncode, 0, docs.stderr)
        self.assertIn("; must be above 0, at most 1d (duration)\ntimeout = \"1m\"", docs.stdout)
        self.assertIn("; must be one of \"text\", \"json\" (string)\nformat = \"text\"", docs.stdout)

    def test_a_valid_config_passes(self):
        config = self.write("ok.toml", f"""[daemon]
data_dir = "{self.tmp}/data"
plugin_dir = "{PLUGIN_DIR}"
[[plugin]]
use = "console"
""")
        result = run_notifyd("--check-config", "-c", config)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("ok (1 plugins and checks)", result.stdout)

    def test_the_shipped_config_is_valid(self):
        shipped = pathlib.Path(__file__).resolve().parents[2] / "notifyd.toml"
        text = shipped.read_text().replace('"build/release/lib/notifyd"', f'"{PLUGIN_DIR}"')
        config = self.write("shipped.toml", text.replace('"./var/', f'"{self.tmp}/var/'))
        result = run_notifyd("--check-config", "-c", config)
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_describe_plugins_prints_every_plugin_with_defaults(self):
        config = self.write("d.toml", f'[daemon]\nplugin_dir = "{PLUGIN_DIR}"\n')
        result = run_notifyd("--describe-plugins", "-c", config)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('use = "console"', result.stdout)
        self.assertIn('use = "socket"', result.stdout)
        self.assertIn('format = "text"', result.stdout)
        self.assertIn('shutdown_timeout = "10s"', result.stdout)

    def test_describe_plugins_puts_check_libraries_in_check_tables(self):
        config = self.write("d.toml", f'[daemon]\nplugin_dir = "{PLUGIN_DIR}"\n')
        result = run_notifyd("--describe-plugins", "-c", config)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('[[check]]\nuse = "disk_space"   # check, ', result.stdout)
        self.assertNotIn('[[plugin]]\nuse = "disk_space"', result.stdout)
        check = result.stdout.split('[[check]]\nuse = "disk_space"')[1].split("\n\n")[0]
        # The host's keys of a [[check]] table, then the library's own.
        for key in ("#name = ", "#notify = ", 'schedule = ""', 'timeout = "1m"', "path = "):
            self.assertIn(key, check)
        self.assertIn('[[plugin]]\nuse = "socket"   # frontend, ', result.stdout)

    def test_describe_plugins_without_a_config_describes_the_plugins_installed_with_it(self):
        result = run_notifyd("--describe-plugins")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('use = "socket"', result.stdout)
        self.assertIn('use = "disk_space"', result.stdout)

    def test_describe_plugins_says_when_it_found_no_plugins(self):
        empty = pathlib.Path(self.tmp) / "empty"
        empty.mkdir()
        config = self.write("d.toml", f'[daemon]\nplugin_dir = "{empty}"\n')
        result = run_notifyd("--describe-plugins", "-c", config)
        self.assertEqual(result.returncode, 1)
        self.assertIn(f"no plugins in {empty}", result.stderr)
        self.assertIn("[daemon]", result.stdout)

    def test_the_manual_page_lists_every_option_of_the_help(self):
        page = run_notifyd("--manpage")
        self.assertEqual(page.returncode, 0, page.stderr)
        self.assertTrue(page.stdout.startswith('.\\"'), page.stdout[:200])
        self.assertRegex(page.stdout, r'(?m)^\.TH NOTIFYD 8 "" "notifyd \d+\.\d+\.\d+"')
        for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "SIGNALS", "FILES", '"SEE ALSO"'):
            self.assertIn(f"\n.SH {section}\n", page.stdout)
        usage = run_notifyd("--help").stdout
        options = [line.split("  ")[1].strip() for line in usage.splitlines() if line.startswith("  -")]
        self.assertIn("--manpage", options)
        for line in usage.splitlines():
            if not line.startswith("  -"):
                continue
            names, help_text = line.strip().split("  ", 1)
            names = names.split(" FILE")[0]
            self.assertIn(f".B {names}".replace("-", "\\-"), page.stdout)
            self.assertIn(help_text.strip().replace("-", "\\-"), page.stdout)

    def test_the_config_manual_page_documents_every_table_and_key(self):
        config = self.write("d.toml", f'[daemon]\nplugin_dir = "{PLUGIN_DIR}"\n')
        page = run_notifyd("--describe-plugins", "--manpage", "-c", config)
        self.assertEqual(page.returncode, 0, page.stderr)
        self.assertRegex(page.stdout, r'(?m)^\.TH NOTIFYD\.TOML 5 ')
        text = run_notifyd("--describe-plugins", "-c", config).stdout
        for heading in ("[daemon]", "[pipeline]", "[checks]"):
            self.assertIn(f'.SS "{heading}"', page.stdout)
        for use in ("console", "socket", "telegram", "websocket", "webui", "metrics", "exec", "cron"):
            self.assertIn(f'.SS "[[plugin]] use = ""{use}"""', page.stdout)
        self.assertIn('.SS "[[check]] use = ""disk_space"""', page.stdout)
        # Every key --describe-plugins shows is in the page.
        keys = {line.split(" = ")[0].lstrip("#") for line in text.splitlines()
                if " = " in line and not line.startswith(("# ", "use = ", "[["))}
        keys = {key.removesuffix("_env") for key in keys}
        missing = [key for key in keys if f".B {key}".replace("-", "\\-") not in page.stdout
                   and f".BR {key}_env".replace("-", "\\-") not in page.stdout]
        self.assertEqual(missing, [])

    def test_version(self):
        result = run_notifyd("--version")
        self.assertEqual(result.returncode, 0)
        self.assertRegex(result.stdout, r"notifyd \d+\.\d+\.\d+")
        self.assertIn("toolchain: gcc", result.stdout)


class BrokenPluginTest(DaemonTestCase):
    def config(self, use, extra=""):
        path = pathlib.Path(self.tmp) / f"{use}.toml"
        path.write_text(f"""[daemon]
data_dir = "{self.tmp}/data"
plugin_dir = "{FIXTURE_DIR}"
[[plugin]]
use = "{use}"
{extra}
""")
        return str(path)

    def assert_refused(self, use, reason, check_config_too=True):
        library = f"{FIXTURE_DIR}/notifyd_{use}.so"
        modes = [["--check-config"], []] if check_config_too else [[]]
        for mode in modes:
            result = run_notifyd(*mode, "-c", self.config(use))
            self.assertEqual(result.returncode, 1, f"{mode}: {result.stderr}")
            self.assertIn(library, result.stderr)
            self.assertIn(reason, result.stderr)
            self.assertNotIn("AddressSanitizer", result.stderr)
            self.assertNotIn("runtime error", result.stderr)

    def test_missing_descriptor_symbol(self):
        self.assert_refused("missing_symbol", "does not export the `notifyd_plugin` descriptor")

    def test_wrong_abi_version(self):
        header = (SOURCE_DIR / "sdk/include/notifyd/sdk/plugin_descriptor.hpp").read_text()
        host_abi = re.search(r"abi_version = (\d+);", header).group(1)
        self.assert_refused("wrong_abi", f"plugin ABI version 999, host ABI version {host_abi}")

    def test_wrong_toolchain(self):
        self.assert_refused("wrong_toolchain", 'built with toolchain "gcc 4.8.5;boost 1_53;cxx 201103L;cxx11abi 0"')

    def test_create_fails(self):
        self.assert_refused("create_fails", "create failed: cannot reach the license server")

    def test_configure_rejects(self):
        self.assert_refused("configure_rejects", "`threshold` must be below 100, got 150")

    def test_missing_library(self):
        self.assert_refused("not_there", "no such plugin library")

    def test_optional_broken_plugin_is_skipped(self):
        config = self.config("wrong_abi", "optional = true\n[[plugin]]\nuse = \"timer_probe\"\n")
        process = subprocess.Popen([NOTIFYD, "-c", config], stderr=subprocess.PIPE, text=True)
        marker = pathlib.Path(self.tmp) / "data" / "timer_probe_fired"
        self.wait_for(marker.exists, message="timer probe marker")
        process.terminate()
        _, stderr = process.communicate(timeout=20)
        self.assertEqual(process.returncode, 0, stderr)
        self.assertIn("is optional and was skipped", stderr)
        self.assertIn("plugin ABI version 999", stderr)


if __name__ == "__main__":
    unittest.main()
