"""A native check built outside the tree against an installed notifyd loads and runs."""

import os
import pathlib
import shutil
import subprocess
import textwrap
import unittest

from harness import PLUGIN_DIR, SOURCE_DIR, Daemon, DaemonTestCase

BUILD_DIR = os.environ.get("NOTIFYD_BUILD_DIR", str(SOURCE_DIR / "build" / "asan"))


def run(*command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result


class OutOfTreeCheckTest(DaemonTestCase):
    def test_installed_sdk_builds_a_check_the_installed_daemon_runs(self):
        tmp = pathlib.Path(self.tmp)
        prefix = tmp / "prefix"
        run("cmake", "--install", BUILD_DIR, "--prefix", str(prefix))
        self.assertTrue((prefix / "lib/cmake/notifyd/notifydConfig.cmake").exists())

        project = tmp / "my_checks"
        project.mkdir()
        shutil.copy(SOURCE_DIR / "examples/checks/disk_space.cpp", project / "disk_space.cpp")
        (project / "CMakeLists.txt").write_text(textwrap.dedent("""\
            cmake_minimum_required(VERSION 3.25)
            project(my_checks CXX)
            find_package(notifyd REQUIRED)
            notifyd_add_check(disk_space disk_space.cpp)
            """))
        build = tmp / "my_checks_build"
        env = dict(os.environ, CCACHE_DISABLE="1")
        run("cmake", "-S", str(project), "-B", str(build), "-G", "Ninja", f"-DCMAKE_PREFIX_PATH={prefix}", env=env)
        run("cmake", "--build", str(build), env=env)
        library = build / "notifyd_disk_space.so"
        self.assertTrue(library.exists())

        plugins = tmp / "plugins"
        plugins.mkdir()
        for installed in (prefix / "lib/notifyd").glob("notifyd_*.so"):
            if installed.name != library.name:
                os.symlink(installed, plugins / installed.name)
        os.symlink(library, plugins / library.name)

        daemon = Daemon(self.tmp, '[[check]]\nname = "disk"\nuse = "disk_space"\nnotify = ["root"]\n'
                                  'path = "/"\nmin_free_percent = 0\n', binary=str(prefix / "bin/notifyd"))
        daemon.config_path.write_text(daemon.config_path.read_text().replace(f'plugin_dir = "{PLUGIN_DIR}"',
                                                                             f'plugin_dir = "{plugins}"'))
        self.daemons.append(daemon)
        daemon.start()
        status, body = daemon.request("POST", "/v1/checks/disk/run", "")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["run"]["outcome"], "quiet", body)
        self.assertEqual(daemon.stop(), 0)


if __name__ == "__main__":
    unittest.main()
