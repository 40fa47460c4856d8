"""2,000 notifications for 100 Telegram users posted through three replicas'
sockets while the replica leading the bot is killed (-9) and, later, a
replica that does not lead it; both are started again. Every notification
answered 200 reaches the fake Bot API, a kill repeats at most
`sender_threads` messages, and Telegram's flood limits are never broken.
Prints its figures. Runs in the `chaos` ctest label
(NOTIFYD_TEST_BACKEND=postgres)."""

import time
import unittest

from harness import BACKEND, figure
from chaos_cluster import GLOBAL_RATE, MARKER, Senders, TelegramClusterCase

NOTIFICATIONS = 2000
POST_RATE = 40  # a second, a little above what the bot may send: a backlog builds up


@unittest.skipUnless(BACKEND == "postgres", "needs the postgres ctest fixture (ctest -L postgres)")
class ChaosDeliveryTest(TelegramClusterCase):
    def sent_count(self):
        return len(self.api.sent())

    def longest_pause(self, around):
        """The longest time between two messages the fake accepted within
        10 s of `around` (what a takeover costs the bot's users)."""
        times = sorted(call["time"] for call in self.api.sent() if abs(call["time"] - around) < 10)
        return max(later - earlier for earlier, later in zip(times, times[1:]))

    def test_every_notification_answered_200_reaches_telegram_through_kills_of_the_leader_and_a_follower(self):
        self.start_cluster(3)
        leader = self.leader()
        senders = Senders(self, self.cluster, self.users, NOTIFICATIONS, rate=POST_RATE).start()

        # kill -9 of the bot's leader while it sends the backlog.
        self.wait_for(lambda: self.sent_count() >= 300, timeout=120, message="the first 300 messages")
        self.cluster[leader].kill()
        leader_killed = time.time()
        successor = self.leader()
        self.assertNotEqual(successor, leader)
        sent_at_kill = self.sent_count()
        self.wait_for(lambda: self.sent_count() > sent_at_kill + 30, timeout=30,
                      message="messages from the new leader")
        self.cluster[leader].start()

        # kill -9 of a replica that does not lead the bot, while the senders use it.
        self.wait_for(lambda: self.sent_count() >= 1000, timeout=120, message="the first 1,000 messages")
        follower = next(i for i in range(3) if i not in (leader, successor))
        self.assertFalse(self.leads(follower))
        accepted_before = len(senders.accepted)
        self.cluster[follower].kill()
        follower_killed = time.time()
        self.assertLess(accepted_before, NOTIFICATIONS, "the senders were done before the follower's kill")
        self.cluster[follower].start()

        senders.join()
        accepted = sorted(senders.accepted)
        self.wait_all_sent(accepted, timeout=NOTIFICATIONS / GLOBAL_RATE + 120)
        counts = self.message_counts()
        refused_delivered = sum(1 for number, _, _ in senders.refused if number in counts)

        # Each repeated message is put down to the last kill before it went out again.
        kills = [("leader", leader_killed), ("follower", follower_killed)]
        repeats = {"none": 0, "leader": 0, "follower": 0}
        first_seen = {}
        for call in sorted(self.api.sent(), key=lambda call: call["time"]):
            number = int(MARKER.search(call["text"]).group(1))
            if number not in first_seen:
                first_seen[number] = call["time"]
                continue
            cause = [name for name, moment in kills if moment <= call["time"]]
            repeats[cause[-1] if cause else "none"] += 1

        stats = self.api.stats
        name = "chaos delivery"
        figure(name, "notifications answered 200 through 3 replicas", len(accepted),
               f"{NOTIFICATIONS} for {len(self.users)} users")
        figure(name, "sends not answered 200 (a replica killed)", len(senders.refused),
               f"{refused_delivered} of them delivered all the same")
        figure(name, "notifications answered 200 and never delivered", len(set(accepted) - set(counts)), "target 0")
        figure(name, "leader kill -9: longest pause between two Telegram messages",
               f"{self.longest_pause(leader_killed):.2f} s", f"lease_ttl {self.LEASE_TTL} s")
        figure(name, "duplicate Telegram messages after the leader's kill -9", repeats["leader"],
               f"target <= sender_threads = {self.SENDER_THREADS}")
        figure(name, "duplicate Telegram messages after a follower's kill -9", repeats["follower"],
               f"target <= sender_threads = {self.SENDER_THREADS}")
        figure(name, "duplicate Telegram messages without a kill", repeats["none"], "target 0")
        figure(name, "Bot API limit violations", stats["violations"], "target 0")
        self.assertEqual(set(accepted) - set(counts), set())
        self.assertLessEqual(repeats["leader"], self.SENDER_THREADS)
        self.assertLessEqual(repeats["follower"], self.SENDER_THREADS)
        self.assertEqual(repeats["none"], 0)
        self.assertEqual(stats["violations"], 0, self.refusals(kills))
        self.assertEqual(stats["rate_limited"], 0)
        for daemon in self.cluster:
            self.assertEqual(daemon.stop(), 0)


if __name__ == "__main__":
    unittest.main()
