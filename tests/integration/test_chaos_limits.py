"""Three replicas, one bot, the fake Bot API enforcing Telegram's flood
limits (about 1 message a second per chat, 30 a second overall, 429 with
retry_after and the chat held until then): notifications posted through
every replica's socket go out with no limit violated and no slower than the
limits allow (within 3 % of the limit time), and one replica polls (no 409)
all along. Prints its figures. Runs in the `chaos` ctest label
(NOTIFYD_TEST_BACKEND=postgres)."""

import json
import time
import unittest
import urllib.error
import urllib.request

from harness import BACKEND, figure
from chaos_cluster import (GLOBAL_BURST, GLOBAL_RATE, JITTER, LIMITS, PER_CHAT_BURST, PER_CHAT_RATE, SLACK, TOKEN,
                           Senders, TelegramClusterCase)
from test_replicas import FakeBotApi

NOTIFICATIONS = 450
STEADY_SECONDS = 20


def limit_time(per_chat_counts):
    """The least time from the first message to the last that the limits
    allow for `per_chat_counts` messages (the buckets starting full)."""
    overall = (sum(per_chat_counts) - GLOBAL_BURST) / GLOBAL_RATE
    per_chat = max((count - PER_CHAT_BURST) / PER_CHAT_RATE for count in per_chat_counts)
    return max(overall, per_chat)


class FakeBotApiLimitsTest(unittest.TestCase):
    """The fake, with the chaos tests' limits, refuses what Telegram
    refuses, and no more: what the chaos figures of violations stand on."""

    def setUp(self):
        self.api = FakeBotApi(tokens=[TOKEN]).start()
        self.api.set_limits(**LIMITS)

    def tearDown(self):
        self.api.stop()

    def send(self, chat):
        """sendMessage over HTTP, as the daemon calls it: (status, reply)."""
        request = urllib.request.Request(f"{self.api.base_url}/bot{TOKEN}/sendMessage",
                                         json.dumps({"chat_id": chat, "text": "hello"}).encode(),
                                         {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)

    def test_a_chat_past_its_burst_gets_429_with_retry_after(self):
        began = time.monotonic()
        answers = []
        for _ in range(10):
            answers.append(self.send(1))
            time.sleep(1 / GLOBAL_RATE)  # within the global limit: this is about the chat's
        elapsed = time.monotonic() - began
        statuses = [status for status, _ in answers]
        accepted = statuses.count(200)
        self.assertGreaterEqual(accepted, PER_CHAT_BURST + SLACK)
        self.assertLessEqual(accepted, PER_CHAT_BURST + SLACK + PER_CHAT_RATE * (elapsed + JITTER), f"{elapsed:.3f} s")
        self.assertEqual(statuses, [200] * accepted + [429] * (10 - accepted))
        reply = answers[accepted][1]
        retry_after = reply["parameters"]["retry_after"]
        self.assertGreaterEqual(retry_after, 1)
        self.assertEqual(reply["description"], f"Too Many Requests: retry after {retry_after}")
        self.assertEqual(self.send(2)[0], 200, "another chat is held")
        time.sleep(retry_after + 0.05)
        self.assertEqual(self.send(1)[0], 200)
        self.assertEqual((self.api.stats["violations"], self.api.stats["rate_limited"]), (10 - accepted,) * 2)

    def test_a_refused_chat_stays_refused_until_its_retry_after_though_the_buckets_refilled(self):
        self.api.set_limits(global_rate=5, global_burst=1, slack=1)
        answers = [self.send(chat) for chat in (1, 2, 3)]  # the global bucket holds 2
        self.assertEqual([status for status, _ in answers], [200, 200, 429])
        retry_after = answers[2][1]["parameters"]["retry_after"]
        self.assertEqual(retry_after, 1)
        refused_at = time.monotonic()
        time.sleep(0.5)  # 2 global tokens back
        self.assertEqual(self.send(3)[0], 429)
        self.assertEqual(self.send(4)[0], 200)
        time.sleep(max(0.0, refused_at + retry_after - time.monotonic()) + 0.05)
        self.assertEqual(self.send(3)[0], 200)
        self.assertEqual(self.api.stats["violations"], 2)

    def test_more_than_the_global_rate_is_refused_and_the_rate_itself_is_not(self):
        began = time.monotonic()
        answers = [self.send(100 + chat)[0] for chat in range(60)]
        elapsed = time.monotonic() - began
        accepted = answers.count(200)
        room = GLOBAL_BURST + SLACK + GLOBAL_RATE * JITTER
        self.assertGreaterEqual(accepted, int(room), "less than the jitter's room")
        self.assertLessEqual(accepted, room + GLOBAL_RATE * elapsed, f"{elapsed:.3f} s")
        self.assertEqual(answers.count(429), 60 - accepted)
        self.assertEqual(self.api.stats["violations"], 60 - accepted)
        # The limits themselves pass: one message per chat a second, 30 a second overall.
        self.api.set_limits(**LIMITS)
        self.api.reset()
        for n in range(90):
            self.assertEqual(self.send(1000 + n % 30)[0], 200, f"message {n}")
            time.sleep(1 / GLOBAL_RATE)  # after the answer: never closer than the rate
        self.assertEqual(self.api.stats["violations"], 0)


def busiest(times):
    """Most of the sorted `times` within any half-open second."""
    most, first = 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] >= 1:
            first += 1
        most = max(most, last - first + 1)
    return most


@unittest.skipUnless(BACKEND == "postgres", "needs the postgres ctest fixture (ctest -L postgres)")
class ChaosLimitsTest(TelegramClusterCase):
    def test_three_replicas_send_at_the_bot_api_limits_and_never_past_them(self):
        self.start_cluster(3)
        self.leader()
        steady_from = time.time()
        senders = Senders(self, self.cluster, self.users, NOTIFICATIONS).start()
        senders.join()
        self.assertEqual(senders.refused, [])
        self.assertEqual(sorted(senders.accepted), list(range(NOTIFICATIONS)))
        self.assertEqual(sorted(set(senders.accepted.values())), [0, 1, 2], "not every replica accepted")
        self.wait_all_sent(range(NOTIFICATIONS), timeout=NOTIFICATIONS / GLOBAL_RATE * 2 + 60)

        sent = self.api.sent()
        arrivals = sorted((call["time"], call["chat_id"]) for call in sent)
        times = [moment for moment, _ in arrivals]
        per_chat = {}
        for call in sent:
            per_chat[call["chat_id"]] = per_chat.get(call["chat_id"], 0) + 1
        took = times[-1] - times[0]
        least = limit_time(list(per_chat.values()))
        # The steady state's polls: one poller for 20 s and more.
        time.sleep(max(0.0, steady_from + STEADY_SECONDS - time.time()))
        conflicts = [call for call in self.api.calls("getUpdates") if call["time"] >= steady_from and
                     call["status"] == 409]
        stats = self.api.stats
        counts = self.message_counts()
        name = "chaos limits"
        figure(name, "Bot API limit violations with 3 replicas sending", stats["violations"], "target 0")
        figure(name, "429s answered", stats["rate_limited"], "target 0")
        in_one_chat = max(busiest([moment for moment, chat in arrivals if chat == one]) for one in per_chat)
        figure(name, "most messages the fake accepted within 1 s, overall / in one chat",
               f"{busiest(times)} / {in_one_chat}",
               f"limits {GLOBAL_RATE:g}/s with a burst of {GLOBAL_BURST}, {PER_CHAT_RATE:g}/s with a burst of "
               f"{PER_CHAT_BURST}")
        figure(name, f"send time of {len(sent)} messages to {len(per_chat)} chats",
               f"{took:.2f} s, {(took / least - 1) * 100:+.1f} % of the limit time {least:.2f} s",
               "target within 3 %")
        figure(name, "duplicate messages", sum(counts.values()) - len(counts), "target 0")
        figure(name, f"409s in {time.time() - steady_from:.0f} s of steady state", len(conflicts), "target 0")
        self.assertEqual(stats["violations"], 0, self.refusals())
        self.assertEqual(stats["rate_limited"], 0)
        self.assertEqual(len(sent), NOTIFICATIONS, "a notification went out twice")
        self.assertLessEqual(took, least * 1.03)
        self.assertEqual(conflicts, [])
        for daemon in self.cluster:
            self.assertEqual(daemon.stop(), 0)


if __name__ == "__main__":
    unittest.main()
