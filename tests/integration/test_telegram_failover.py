"""One bot, three notifyd replicas on one PostgreSQL and the fake Bot API
(which answers a second concurrent getUpdates with 409, as Telegram does),
lease_ttl 3 s: one replica polls; a leader killed with SIGKILL, frozen with
SIGSTOP or stopped cleanly is replaced, and every command is answered, none
lost and none applied twice. A frozen leader sends nothing once it runs
again, and a clean stop repeats no reply. Each replica reaches the fake
under its own path prefix (`/r<i>`), so the fake records who sent what.
Prints the measured figures. Runs in the `postgres` ctest label
(NOTIFYD_TEST_BACKEND=postgres)."""

import json
import re
import signal
import sys
import time
import unittest

from harness import BACKEND
from test_replicas import BotApiReplicasCase

TOKEN = "123456:TEST-secret-token"
LEASE_TTL = 3.0
SENDER_THREADS = 4
CHATS = [7000 + i for i in range(30)]
LEADS = re.compile(r"leads the bot \(|polling and sending stop here")


def figure(text):
    sys.stderr.write(f"[telegram failover] {text}\n")


@unittest.skipUnless(BACKEND == "postgres", "needs the postgres ctest fixture (ctest -L postgres)")
class TelegramFailoverTest(BotApiReplicasCase):
    TOKENS = (TOKEN,)

    def setUp(self):
        super().setUp()
        self.commands = 0
        self.frozen = set()

    def start_replicas(self, count):
        def telegram(i):
            return (f'[[plugin]]\nuse = "telegram"\nname = "bot"\ntoken_env = "BOT_TOKEN"\n'
                    f'api_base_url = "{self.api.base_url}/r{i}"\nsender_threads = {SENDER_THREADS}\n')

        replicas = self.replicas(telegram, count=count, env={"BOT_TOKEN": TOKEN})
        for daemon in replicas:
            config = daemon.config_path.read_text()
            daemon.config_path.write_text(config.replace("[cluster]\n", f'[cluster]\nlease_ttl = "{LEASE_TTL:g}s"\n'))
        links = {f"u{i}": {"chat_id": chat, "linked_at": "2026-01-01T00:00:00Z"} for i, chat in enumerate(CHATS)}
        replicas[0].write_document("telegram_users.json", json.dumps(links))
        for daemon in replicas:
            daemon.start()
        return replicas

    def leading(self, daemon):
        """True when the replica's last word on the bot's lease is that it leads."""
        if daemon.process.poll() is not None or daemon in self.frozen:
            return False
        said = LEADS.findall(daemon.log())
        return bool(said) and said[-1].startswith("leads")

    def leaders(self, replicas):
        return [i for i, daemon in enumerate(replicas) if self.leading(daemon)]

    def one_leader(self, replicas, among=None):
        candidates = [i for i in (among if among is not None else range(len(replicas)))]
        found = self.wait_for(lambda: [i for i in self.leaders(replicas) if i in candidates] or None, timeout=30,
                              message="a replica leading the bot")
        self.assertEqual(len(self.leaders(replicas)), 1, f"several replicas lead the bot: {self.leaders(replicas)}")
        return found[0]

    def push_commands(self, count, pause=0.0, chat=None):
        """`count` commands, each from the next chat in turn (or all from `chat`); their numbers."""
        numbers = []
        for _ in range(count):
            n = self.commands
            self.commands += 1
            self.api.push_message(chat if chat is not None else CHATS[n % len(CHATS)], f"/c{n}")
            numbers.append(n)
            if pause:
                time.sleep(pause)
        return numbers

    def answer_counts(self):
        counts = {}
        for text in self.api.texts():
            if match := re.fullmatch(r"Unknown command /c(\d+)\. /help lists what I understand\.", text):
                counts[int(match.group(1))] = counts.get(int(match.group(1)), 0) + 1
        return counts

    def wait_answered(self, numbers):
        def missing():
            counts = self.answer_counts()
            return [n for n in numbers if n not in counts]

        self.wait_for(lambda: not missing(), timeout=60,
                      message=lambda: f"answers to {len(missing())} commands, e.g. /c{missing()[:5]}")
        counts = self.answer_counts()
        return sum(counts[n] - 1 for n in numbers)

    def conflicts(self, since, not_by=None):
        """409s answered to polls that began at `since` or later (not those of replica `not_by`)."""
        return sum(1 for call in self.api.calls("getUpdates")
                   if call["status"] == 409 and call["time"] >= since and call["via"] != f"r{not_by}")

    def first_poll_after(self, moment, not_by=None):
        """When the first getUpdates that began after `moment` and was answered began (not by replica `not_by`)."""
        polls = [call["time"] for call in self.api.calls("getUpdates")
                 if call["status"] == 200 and call["time"] > moment and call["via"] != f"r{not_by}"]
        return min(polls) if polls else None

    def applied_once(self, replicas, live):
        """The bot state's reply ids: one per command applied, so a command applied twice shows here."""
        state = json.loads(replicas[live].read_document("bot_telegram_state.json"))
        self.assertEqual(state["next_id"], self.commands + 1,
                         f"{state['next_id'] - 1} replies queued for {self.commands} commands")

    def sends_by(self, replica, since):
        """The messages replica `replica` began to send at `since` or later (whatever the answer)."""
        return [call for call in self.api.calls() if call["method"] in ("sendMessage", "sendPhoto")
                and call["via"] == f"r{replica}" and call["time"] >= since]

    def failover(self, replicas, how, end, prepare=None):
        """A burst of commands with the leader ended by `end(daemon)` in its middle (after
        `prepare()`, which may push commands of its own and returns their numbers); the figures."""
        leader = self.one_leader(replicas)
        before = self.push_commands(20)
        self.wait_for(lambda: len([n for n in before if n in self.answer_counts()]) >= 5, timeout=30,
                      message="the leader answering the burst")
        if prepare:
            before += prepare()
        ended = time.time()
        end(replicas[leader])
        during = self.push_commands(20, pause=0.02)
        others = [i for i in range(len(replicas)) if i != leader and replicas[i].process.poll() is None]
        successor = self.one_leader(replicas, among=others)
        polled = self.wait_for(lambda: self.first_poll_after(ended, not_by=leader), timeout=30,
                               message="a poll by the new leader")
        after = self.push_commands(20)
        duplicates = self.wait_answered(before + during + after)
        takeover = polled - ended
        figure(f"{how}: replica {leader} -> replica {successor} polls after {takeover:.2f} s "
               f"(lease_ttl {LEASE_TTL:g} s); commands {len(before + during + after)}, lost 0, "
               f"duplicate messages {duplicates}, 409s {self.conflicts(ended)} "
               f"({self.conflicts(ended) - self.conflicts(ended, not_by=leader)} to the ended leader)")
        return leader, successor, takeover, duplicates, ended

    def test_one_poller_and_failover_without_losing_or_repeating_commands(self):
        replicas = self.start_replicas(3)
        leader = self.one_leader(replicas)

        # Steady state: commands from every chat for 10 s, one poller, no 409.
        steady_from = time.time()
        numbers = self.push_commands(30, pause=10 / 30)
        steady_conflicts = self.conflicts(steady_from)
        duplicates = self.wait_answered(numbers)
        self.assertEqual(self.leaders(replicas), [leader])
        figure(f"steady {time.time() - steady_from:.1f} s with 3 replicas: 1 poller (replica {leader}), "
               f"{steady_conflicts} 409s, {len(numbers)} commands answered, {duplicates} duplicates")
        self.assertEqual(steady_conflicts, 0)
        self.assertEqual(duplicates, 0)

        # kill -9 of the leader in the middle of a burst.
        killed, successor, takeover, duplicates, ended = self.failover(replicas, "kill -9", lambda d: d.kill())
        self.assertLessEqual(takeover, LEASE_TTL + 2)
        self.assertLessEqual(duplicates, SENDER_THREADS)
        self.assertLessEqual(self.conflicts(ended), 2)
        self.applied_once(replicas, successor)

        # SIGSTOP of the new leader with replies waiting in its sender (one
        # chat's commands beyond its rate limit), until another replica took
        # over; then SIGCONT: its lease ran out while it was frozen, so it
        # sends none of them, and stands down.
        def backlog():
            numbers = self.push_commands(8, chat=CHATS[0])
            self.wait_for(lambda: numbers[0] in self.answer_counts(), timeout=30,
                          message="the leader answering one chat's backlog")
            return numbers

        def freeze(daemon):
            daemon.process.send_signal(signal.SIGSTOP)
            self.frozen.add(daemon)

        stopped, successor, takeover, duplicates, ended = self.failover(replicas, "SIGSTOP", freeze, prepare=backlog)
        new_leader_polled = ended + takeover
        replicas[stopped].process.send_signal(signal.SIGCONT)
        self.frozen.clear()
        self.wait_for(lambda: not self.leading(replicas[stopped]), timeout=LEASE_TTL + 10,
                      message="the resumed replica standing down")
        resumed = time.time()
        late_sends = self.sends_by(stopped, new_leader_polled)
        figure(f"SIGCONT: replica {stopped} began {len(late_sends)} sends after replica {successor} polled")
        self.assertEqual(late_sends, [], "the resumed old leader sent after the new leader polled")
        numbers = self.push_commands(30)
        duplicates_after = self.wait_answered(numbers)
        self.assertEqual(self.leaders(replicas), [successor])
        figure(f"SIGCONT: replica {stopped} stood down; then {len(numbers)} commands, "
               f"{duplicates_after} duplicates, {self.conflicts(resumed)} 409s")
        self.assertLessEqual(takeover, LEASE_TTL + 2)
        self.assertLessEqual(duplicates + duplicates_after, SENDER_THREADS)
        self.assertLessEqual(self.conflicts(ended), 2)
        self.assertEqual(self.conflicts(resumed), 0)
        self.applied_once(replicas, successor)

        # A clean stop while replies are in flight (the fake answers slowly)
        # lets them finish and records them before it hands the lease over
        # at once: the next leader repeats none.
        def slow_replies():
            self.api.fail("sendMessage", status=None, count=SENDER_THREADS, delay=0.5)
            in_flight = self.push_commands(SENDER_THREADS)
            self.wait_for(lambda: self.api.active("sendMessage") >= 1, timeout=30, message="a reply in flight")
            return in_flight

        stopping, successor, takeover, duplicates, ended = self.failover(
            replicas, "clean stop", lambda d: self.assertEqual(d.stop(), 0), prepare=slow_replies)
        self.assertLessEqual(takeover, 2)  # with the wait for the slow replies in flight
        self.assertEqual(duplicates, 0)
        # The stopped replica's last long poll, cut short by its stop, is
        # answered 409 once the new leader polls: by then nobody listens.
        self.assertEqual(self.conflicts(ended, not_by=stopping), 0)
        self.applied_once(replicas, successor)
        for daemon in replicas:
            if daemon.process.poll() is None:
                self.assertEqual(daemon.stop(), 0)


if __name__ == "__main__":
    unittest.main()
