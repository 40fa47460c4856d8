"""What the chaos tests share: senders spread over the replicas' sockets,
and three replicas on one PostgreSQL running one bot against the fake Bot
API, which enforces Telegram's flood limits (who leads, the messages the
fake received per notification)."""

import itertools
import json
import re
import threading
import time

from test_replicas import TOKEN, BotApiReplicasCase

# Telegram's limits, configured alike on both sides: the bot's defaults.
PER_CHAT_RATE = 1.0
PER_CHAT_BURST = 3
GLOBAL_RATE = 30.0
GLOBAL_BURST = 1
# The arrival-time jitter the fake allows for (no extra tokens): the daemon
# paces when it hands a message to a sender thread, the fake counts
# arrivals, which a busy machine delays by tens of milliseconds each (seen:
# three messages within 28 ms after a gap of 71 ms at 30/s). That is 7.5
# messages of room overall, a quarter of one in a chat.
SLACK = 0
JITTER = 0.25
LIMITS = {"per_chat_rate": PER_CHAT_RATE, "per_chat_burst": PER_CHAT_BURST, "global_rate": GLOBAL_RATE,
          "global_burst": GLOBAL_BURST, "slack": SLACK, "jitter": JITTER}
MARKER = re.compile(r"chaos #(\d+)#")


class TelegramClusterCase(BotApiReplicasCase):
    TOKENS = (TOKEN,)
    LEASE_TTL = 3
    SENDER_THREADS = 4
    USERS = 100
    CHAT_BASE = 20000

    def setUp(self):
        super().setUp()
        self.api.set_limits(**LIMITS)
        self.users = [f"u{i:03d}" for i in range(self.USERS)]
        self.chats = {user: self.CHAT_BASE + i for i, user in enumerate(self.users)}

    def start_cluster(self, count=3):
        def telegram(_):
            return (f'[[plugin]]\nuse = "telegram"\nname = "bot"\ntoken_env = "BOT_TOKEN"\n'
                    f'api_base_url = "{self.api.base_url}"\nsender_threads = {self.SENDER_THREADS}\n'
                    f'per_chat_rate = "{PER_CHAT_RATE:g}/s"\nper_chat_burst = {PER_CHAT_BURST}\n'
                    f'global_rate = "{GLOBAL_RATE:g}/s"\nglobal_burst = {GLOBAL_BURST}\n')

        replicas = self.replicas(telegram, count=count, env={"BOT_TOKEN": TOKEN},
                                 cluster_extra=f'lease_ttl = "{self.LEASE_TTL}s"')
        links = {user: {"chat_id": chat, "linked_at": "2026-01-01T00:00:00Z"} for user, chat in self.chats.items()}
        replicas[0].write_document("telegram_users.json", json.dumps(links))
        for daemon in replicas:
            daemon.start()
        self.cluster = replicas
        return replicas

    def alive(self, i):
        return self.cluster[i].process.poll() is None

    def leads(self, i):
        """Replica i's own word (its health) on whether it leads the bot."""
        if not self.alive(i):
            return False
        try:
            status, body = self.cluster[i].request("GET", "/v1/health", timeout=10)
        except OSError:
            return False
        return status == 200 and any(c["channel"] == "bot" and c.get("leads") for c in body["channels"])

    def leader(self, timeout=30):
        """The one replica leading the bot (waits for one)."""
        found = self.wait_for(lambda: [i for i in range(len(self.cluster)) if self.leads(i)] or None, timeout=timeout,
                              message="a replica leading the bot")
        self.assertEqual(len(found), 1, f"several replicas lead the bot: {found}")
        return found[0]

    def message_counts(self):
        """{notification number: messages the fake accepted for it}."""
        counts = {}
        for text in self.api.texts():
            if match := MARKER.search(text):
                number = int(match.group(1))
                counts[number] = counts.get(number, 0) + 1
        return counts

    def refusals(self, kills=()):
        """The fake's 429s, each with the messages it accepted just before
        and its time from `kills` ((name, time) each): why a limit broke."""
        calls = sorted(self.api.calls("sendMessage"), key=lambda call: call["time"])
        lines = []
        for index, call in enumerate(calls):
            if call["status"] != 429:
                continue
            since = "".join(f", {call['time'] - moment:+.3f} s from the {name}'s kill" for name, moment in kills)
            before = [f"{other['time'] - call['time']:+.3f} s chat {other['chat_id']}" for other in calls[:index]
                      if other["status"] == 200][-6:]
            same_chat = [f"{other['time'] - call['time']:+.3f} s" for other in calls[:index]
                         if other["chat_id"] == call["chat_id"] and other["status"] == 200][-5:]
            lines.append(f"429 for chat {call['chat_id']}{since}: {call['reply']['description']}; accepted before "
                         f"it: {before}; in its chat: {same_chat}")
        return "\n".join(lines)

    def wait_all_sent(self, numbers, timeout):
        def missing():
            counts = self.message_counts()
            return [n for n in numbers if n not in counts]

        self.wait_for(lambda: not missing(), timeout=timeout,
                      message=lambda: f"messages for {len(missing())} notifications, e.g. {missing()[:5]}")


class Senders:
    """Threads posting numbered notifications through `replicas`' sockets,
    `per_replica` threads preferring each replica, at most `rate` per second
    in all (None: as fast as they are answered), until `total` are answered
    200. A send that is not (its replica killed, a 503) is recorded and
    never repeated: its thread goes on with a new number through the next
    replica for a second, as a client behind a load balancer would."""

    FALLBACK_SECONDS = 1.0

    def __init__(self, case, replicas, users, total, per_replica=4, rate=None):
        self.case, self.replicas, self.users, self.total, self.rate = case, replicas, users, total, rate
        self.accepted = {}  # number -> replica that answered 200
        self.ids = {}       # number -> the notification's id
        self.refused = []   # (number, replica, what happened)
        self.errors = []
        self._numbers = itertools.count()
        self._lock = threading.Lock()
        self._in_flight = 0
        self._started = None
        self._stopped = threading.Event()
        case.addCleanup(self._stopped.set)  # a test that failed midway
        count = len(replicas)
        self.threads = [threading.Thread(target=self._run, args=(i % count,), daemon=True)
                        for i in range(per_replica * count)]

    def start(self):
        self._started = time.monotonic()
        for thread in self.threads:
            thread.start()
        return self

    def join(self, timeout=300):
        for thread in self.threads:
            thread.join(timeout=timeout)
        self.case.assertFalse(any(thread.is_alive() for thread in self.threads), "senders still running")
        self.case.assertEqual(self.errors, [])
        self.case.assertEqual(len(self.accepted), self.total)

    def _next(self):
        """The next number to send, once fewer than `total` are answered or in flight."""
        while True:
            with self._lock:
                if len(self.accepted) >= self.total or self._stopped.is_set():
                    return None
                if len(self.accepted) + self._in_flight < self.total:
                    self._in_flight += 1
                    number = next(self._numbers)
                    break
            time.sleep(0.01)
        if self.rate:
            self._stopped.wait(self._started + number / self.rate - time.monotonic())
        return number

    def _run(self, preferred):
        count = len(self.replicas)
        replica, back_at = preferred, 0.0
        try:
            while (number := self._next()) is not None:
                if replica != preferred and time.monotonic() >= back_at:
                    replica = preferred
                user = self.users[number % len(self.users)]
                body = {"user": user, "message": f"chaos #{number}# for {user}", "format": "plain"}
                try:
                    status, answer = self.replicas[replica].request("POST", "/v1/notify", body, timeout=30)
                except OSError as error:
                    status, answer = None, repr(error)
                with self._lock:
                    self._in_flight -= 1
                    if status == 200:
                        self.accepted[number] = replica
                        self.ids[number] = answer["id"]
                    else:
                        self.refused.append((number, replica, f"{status}: {answer}"))
                if status != 200:
                    replica, back_at = (replica + 1) % count, time.monotonic() + self.FALLBACK_SECONDS
        except Exception as error:  # reported by join()
            self.errors.append(repr(error))
