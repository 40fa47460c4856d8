"""The web dashboard against the real daemon over real TCP on 127.0.0.1: who
may reach what, login links (single use, expiry), CSRF, proxy trust, image
ownership, and user text shown as text."""

import base64
import http.client
import json
import os
import pwd
import re
import signal
import socket
import subprocess
import time
import urllib.parse

from harness import BACKEND, NOTIFYCTL, DaemonTestCase, as_user, psql, request

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def web(port, method, target, body=None, headers=None, source=None, timeout=10):
    """One request to the dashboard: (status, lower-case headers with lists, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    try:
        hdrs = {"Host": f"127.0.0.1:{port}"}
        hdrs.update(headers or {})
        conn.request(method, target, body=body, headers=hdrs)
        response = conn.getresponse()
        data = response.read()
        found = {}
        for name, value in response.getheaders():
            found.setdefault(name.lower(), []).append(value)
        return response.status, found, data
    finally:
        conn.close()


def json_body(data):
    return json.loads(data.decode())


class Dashboard:
    """A started daemon with a dashboard instance, and the port it listens on;
    or the dashboard of `daemon`, started already."""

    def __init__(self, case, auth="link", extra="", listen="127.0.0.1:0", daemon=None):
        self.daemon = daemon or case.daemon(
            '[[plugin]]\nuse = "console"\nformat = "json"\n\n'
            f'[[plugin]]\nuse = "webui"\nname = "web"\nlisten = "{listen}"\nauth = "{auth}"\n{extra}\n'
        ).start()
        match = case.wait_for(lambda: re.search(r"dashboard at http://127\.0\.0\.1:(\d+)/", self.daemon.log()),
                              message="the dashboard's address in the log")
        self.port = int(match.group(1))

    def get(self, target, **kwargs):
        return web(self.port, "GET", target, **kwargs)

    def post(self, target, body=b"", **kwargs):
        return web(self.port, "POST", target, body=body, **kwargs)

    def link(self, user=None):
        """A login link minted through the unix socket, as `user` (default: this process's user)."""
        if user is None:
            status, body = self.daemon.request("POST", "/api/login-link")
        else:
            path = self.daemon.socket_path
            status, body = as_user(user, lambda: request(path, "POST", "/api/login-link"))
        assert status == 200, body
        return body

    def sign_in(self, user=None):
        """Signs in with a fresh link; returns (cookie header value, CSRF token)."""
        url = self.link(user)["url"]
        token = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["token"][0]
        status, headers, _ = self.post("/login/link", urllib.parse.urlencode({"token": token}).encode(),
                                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 303, status
        cookie = headers["set-cookie"][0].split(";")[0]
        status, _, body = self.get("/api/me", headers={"Cookie": cookie})
        assert status == 200, body
        return cookie, json_body(body)["csrf_token"]


class NoSessionTest(DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.web = Dashboard(self)

    def test_api_answers_401_json_and_pages_redirect_to_login(self):
        for target in ["/api/me", "/api/notifications", "/api/notifications/images/1", "/v1/checks",
                       "/api/telegram/status", "/api/nothing-here"]:
            with self.subTest(target=target):
                status, headers, body = self.web.get(target)
                self.assertEqual(status, 401)
                self.assertEqual(headers["content-type"], ["application/json"])
                self.assertEqual(json_body(body), {"error": "sign in first"})
                self.assertEqual(headers["x-content-type-options"], ["nosniff"])
                self.assertIn("frame-ancestors 'none'", headers["content-security-policy"][0])
        for target in ["/", "/checks", "/history", "/desktop"]:
            with self.subTest(target=target):
                status, headers, _ = self.web.get(target)
                self.assertEqual(status, 303)
                self.assertEqual(headers["location"], ["/login"])
        status, _, body = self.web.get("/login")
        self.assertEqual(status, 200)
        self.assertIn(b"notifyctl login", body)

    def test_posts_without_a_session_are_refused(self):
        status, _, _ = self.web.post("/v1/checks/anything/run")
        self.assertEqual(status, 401)
        status, _, _ = self.web.post("/api/telegram/verify", b'{"code":"123456"}')
        self.assertEqual(status, 401)

    def test_the_proxy_header_means_nothing_in_link_mode(self):
        status, _, _ = self.web.get("/api/me", headers={"X-Forwarded-User": "root"})
        self.assertEqual(status, 401)


class LoginLinkTest(DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.web = Dashboard(self)

    def test_notifyctl_login_prints_a_link_that_signs_in_once(self):
        result = subprocess.run([NOTIFYCTL, "--socket", self.web.daemon.socket_path, "login"],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        url = re.search(r"http://127\.0\.0\.1:\d+/login/link\?token=[A-Za-z0-9_-]+", result.stdout).group(0)
        target = url[url.index("/login"):]
        token = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["token"][0]

        status, _, page = self.web.get(target)
        self.assertEqual(status, 200)
        self.assertIn(b"Continue as root", page)
        form = urllib.parse.urlencode({"token": token}).encode()
        form_headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{self.web.port}"}
        status, headers, _ = self.web.post("/login/link", form, headers=form_headers)
        self.assertEqual(status, 303)
        cookie = headers["set-cookie"][0]
        self.assertRegex(cookie, r"^notifyd_session=[A-Za-z0-9_-]{43}; ")
        for attribute in ("HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"):
            self.assertIn(attribute, cookie)
        status, _, body = self.web.get("/api/me", headers={"Cookie": cookie.split(";")[0]})
        self.assertEqual(status, 200)
        self.assertEqual(json_body(body)["user"], "root")

        status, _, _ = self.web.post("/login/link", form, headers=form_headers)
        self.assertEqual(status, 400, "a link works once")
        status, _, _ = self.web.get(target)
        self.assertEqual(status, 400)

    def test_a_link_posted_from_another_site_is_refused_and_stays_usable(self):
        token = urllib.parse.parse_qs(urllib.parse.urlsplit(self.web.link()["url"]).query)["token"][0]
        form = urllib.parse.urlencode({"token": token}).encode()
        status, _, _ = self.web.post("/login/link", form, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Origin": "http://evil.example"})
        self.assertEqual(status, 403)
        status, _, _ = self.web.post("/login/link", form, headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 303)

    def test_each_user_gets_a_link_for_itself(self):
        link = self.web.link("nobody")
        self.assertEqual(link["user"], "nobody")
        cookie, _ = self.web.sign_in("nobody")
        status, _, body = self.web.get("/api/me", headers={"Cookie": cookie})
        self.assertEqual(json_body(body)["user"], "nobody")

    def test_logout_ends_the_session(self):
        cookie, csrf = self.web.sign_in()
        form = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        status, _, _ = self.web.post("/logout", b"", headers=form)
        self.assertEqual(status, 403, "logout needs the CSRF token")
        status, headers, _ = self.web.post("/logout", urllib.parse.urlencode({"csrf_token": csrf}).encode(), headers=form)
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], ["/login?signed_out=1"])
        self.assertIn("Max-Age=0", headers["set-cookie"][0])
        status, _, _ = self.web.get("/api/me", headers={"Cookie": cookie})
        self.assertEqual(status, 401)


class LoginLinkExpiryTest(DaemonTestCase):
    def test_a_link_expires(self):
        web = Dashboard(self, extra='login_link_ttl = "1s"\n')
        url = web.link()["url"]
        token = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["token"][0]
        time.sleep(1.5)
        status, _, page = web.get(url[url.index("/login"):])
        self.assertEqual(status, 400)
        self.assertIn(b"expired", page)
        status, _, _ = web.post("/login/link", urllib.parse.urlencode({"token": token}).encode(),
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 400)


class CsrfAndOwnershipTest(DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.web = Dashboard(self)
        self.root_cookie, self.root_csrf = self.web.sign_in()
        self.nobody_cookie, self.nobody_csrf = self.web.sign_in("nobody")

    def notify(self, user, title, image=None):
        body = {"user": user, "title": title, "message": "body of " + title}
        if image:
            body["image"] = base64.b64encode(image).decode()
        status, reply = self.web.daemon.request("POST", "/v1/notify", body)
        self.assertEqual(status, 200, reply)
        return reply["id"]

    def test_state_changes_need_the_csrf_token(self):
        headers = {"Cookie": self.root_cookie, "Content-Type": "application/json"}
        status, _, body = self.web.post("/v1/checks/nothing/run", headers=headers)
        self.assertEqual(status, 403)
        self.assertEqual(json_body(body), {"error": "missing or wrong CSRF token"})
        status, _, _ = self.web.post("/v1/checks/nothing/run", headers={**headers, "X-CSRF-Token": "wrong"})
        self.assertEqual(status, 403)
        status, _, _ = self.web.post("/v1/checks/nothing/run", headers={**headers, "X-CSRF-Token": self.nobody_csrf})
        self.assertEqual(status, 403, "another session's token does not count")
        status, _, _ = self.web.post("/v1/checks/nothing/run", headers={
            **headers, "X-CSRF-Token": self.root_csrf, "Origin": "http://evil.example"})
        self.assertEqual(status, 403, "cross-origin")
        status, _, body = self.web.post("/v1/checks/nothing/run", headers={**headers, "X-CSRF-Token": self.root_csrf})
        self.assertEqual(status, 404, body)  # reached the host's route: no such check

    def test_images_are_served_only_to_their_owner(self):
        mine = self.notify("root", "chart", PNG)
        theirs = self.notify("nobody", "their chart", PNG)
        status, headers, body = self.web.get(f"/api/notifications/images/{mine}", headers={"Cookie": self.root_cookie})
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], ["image/png"])
        self.assertEqual(body, PNG)
        self.assertIn("private", headers["cache-control"][0])
        for target, cookie in [(f"/api/notifications/images/{theirs}", self.root_cookie),
                               (f"/api/notifications/images/{mine}", self.nobody_cookie),
                               ("/api/notifications/images/999999", self.root_cookie),
                               ("/api/notifications/images/abc", self.root_cookie)]:
            with self.subTest(target=target):
                status, headers, body = self.web.get(target, headers={"Cookie": cookie})
                self.assertEqual(status, 404)
                self.assertEqual(headers["content-type"], ["application/json"])
        status, _, _ = self.web.get(f"/api/notifications/images/{theirs}", headers={"Cookie": self.nobody_cookie})
        self.assertEqual(status, 200)

    def test_history_is_the_callers_own_and_html_in_it_is_text(self):
        self.notify("root", "<script>alert('pwned')</script>")
        self.notify("nobody", "not yours")
        status, _, page = self.web.get("/history", headers={"Cookie": self.root_cookie})
        self.assertEqual(status, 200)
        self.assertIn(b"&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;", page)
        self.assertNotIn(b"<script>alert", page)
        self.assertNotIn(b"not yours", page)
        status, _, body = self.web.get("/api/notifications", headers={"Cookie": self.root_cookie})
        titles = [n["title"] for n in json_body(body)["notifications"]]
        self.assertEqual(titles, ["<script>alert('pwned')</script>"])


class ProxyAuthTest(DaemonTestCase):
    def setUp(self):
        super().setUp()
        # The proxy is this test's own user connecting from 127.0.0.2.
        self.web = Dashboard(self, auth="proxy", extra='trusted_proxies = ["127.0.0.2"]\nemail_domain = "example.com"\n'
                             f'trusted_proxy_users = ["{pwd.getpwuid(os.geteuid()).pw_name}"]\n')

    def test_the_user_header_counts_only_from_a_trusted_proxy(self):
        spoofed = {"X-Forwarded-User": "root"}
        status, _, _ = self.web.get("/api/me", headers=spoofed, source="127.0.0.1")
        self.assertEqual(status, 401)
        status, headers, _ = self.web.get("/history", headers=spoofed, source="127.0.0.1")
        self.assertEqual(status, 303)
        self.assertIn("from 127.0.0.1, which is not the proxy", self.web.daemon.log())

        status, _, body = self.web.get("/api/me", headers={"X-Forwarded-User": "alice@example.com"}, source="127.0.0.2")
        self.assertEqual(status, 200)
        self.assertEqual(json_body(body)["user"], "alice")
        status, headers, page = self.web.get("/history", headers=spoofed, source="127.0.0.2")
        self.assertEqual(status, 200)
        self.assertIn(b"Signed in as <strong>root</strong>", page)
        self.assertTrue(headers["set-cookie"][0].startswith("notifyd_session="))
        status, _, _ = self.web.get("/api/me", headers={"X-Forwarded-User": "alice@evil.com"}, source="127.0.0.2")
        self.assertEqual(status, 401)


class SignInsSurviveTest(DaemonTestCase):
    """Sessions and login links are kept in the replicas' ephemeral keys
    (saved in the data directory by a stopping local backend, in the database
    with PostgreSQL): a reload or a restart signs nobody out, and what is kept
    opens nothing by itself."""

    def kept_keys(self, daemon):
        if BACKEND == "postgres":
            return psql(daemon.dsn(), "SELECT string_agg(key || '=' || convert_from(value, 'UTF8'), ' ') FROM ephemeral")
        return daemon.read_document("ephemeral.json")

    def test_a_session_and_a_pending_link_survive_a_reload_and_a_restart(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        web = Dashboard(self, extra="", listen=f"127.0.0.1:{port}")
        cookie, csrf = web.sign_in()
        pending = web.link()["url"]
        daemon = web.daemon

        # A reload that changes the dashboard's table makes a new dashboard.
        daemon.config_path.write_text(daemon.config_path.read_text().replace('auth = "link"',
                                                                              'auth = "link"\nsession_ttl = "11h"'))
        daemon.process.send_signal(signal.SIGHUP)
        self.wait_for(lambda: daemon.log().count("dashboard at") == 2, timeout=60, message="the reloaded dashboard")
        status, _, body = web.get("/api/me", headers={"Cookie": cookie})
        self.assertEqual(status, 200, body)
        self.assertEqual(json_body(body)["user"], "root")
        self.assertEqual(json_body(body)["csrf_token"], csrf)

        self.assertEqual(daemon.stop(), 0, daemon.log())
        token = urllib.parse.parse_qs(urllib.parse.urlsplit(pending).query)["token"][0]
        saved = self.kept_keys(daemon)
        self.assertIn("webui/web/session/", saved)
        self.assertNotIn(cookie.split("=", 1)[1], saved)
        self.assertNotIn(token, saved)
        self.assertNotIn(csrf, saved)
        daemon.start()
        self.wait_for(lambda: daemon.log().count("dashboard at") == 3, timeout=60, message="the restarted dashboard")
        status, _, body = web.get("/api/me", headers={"Cookie": cookie})
        self.assertEqual(status, 200, body)
        status, headers, _ = web.post("/login/link", urllib.parse.urlencode({"token": token}).encode(),
                                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 303, "the link minted before the reload and the restart still signs in once")

        # After a logout the session is gone for good, restart or not.
        form = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        status, _, _ = web.post("/logout", urllib.parse.urlencode({"csrf_token": csrf}).encode(), headers=form)
        self.assertEqual(status, 303)
        self.assertEqual(daemon.stop(), 0, daemon.log())
        daemon.start()
        self.wait_for(lambda: daemon.log().count("dashboard at") == 4, timeout=60, message="the restarted dashboard")
        status, _, _ = web.get("/api/me", headers={"Cookie": cookie})
        self.assertEqual(status, 401)


class DemoModeTest(DaemonTestCase):
    def test_auth_none_is_refused_on_a_non_loopback_address(self):
        daemon = self.daemon('[[plugin]]\nuse = "webui"\nlisten = "0.0.0.0:0"\nauth = "none"\n')
        daemon.start(wait=False)
        self.assertEqual(daemon.process.wait(60), 1)
        daemon.stdout.close()
        daemon.stderr.close()
        self.assertIn("refused on the non-loopback address", daemon.log())

    def test_auth_none_signs_everyone_in_as_the_demo_user_on_localhost_only(self):
        web = Dashboard(self, auth="none", extra='demo_user = "demo"\n')
        status, headers, page = web.get("/")
        self.assertEqual(status, 200)
        self.assertIn(b"Demo mode", page)
        self.assertTrue(headers["set-cookie"][0].startswith("notifyd_session="))
        status, _, _ = web.get("/api/me", headers={"Host": "rebound.example:80"})
        self.assertEqual(status, 403)


if __name__ == "__main__":
    import unittest

    unittest.main()
