"""One Telegram link code redeemed 20 times at once through three replicas
of one bot (each serving the link routes over its socket), 100 rounds:
exactly one redeemer wins each round, the others hear "invalid or expired
code", and every chat ends up linked once. Prints its figures. Runs in the
`chaos` ctest label (NOTIFYD_TEST_BACKEND=postgres)."""

import unittest

from harness import BACKEND, figure
from test_replicas import LinkCodesCase


@unittest.skipUnless(BACKEND == "postgres", "needs the postgres ctest fixture (ctest -L postgres)")
class ChaosLinkCodesTest(LinkCodesCase):
    REPLICAS = 3

    def test_a_code_redeemed_20_times_at_once_over_three_replicas_links_once_each_round(self):
        wins, bad_rounds = self.redeem_rounds()
        figure("chaos link codes", f"one code redeemed {self.REDEEMERS}x at once over 3 replicas: rounds with "
               "exactly one success", f"{self.ROUNDS - len(bad_rounds)} of {self.ROUNDS}",
               f"target {self.ROUNDS} of {self.ROUNDS}")
        figure("chaos link codes", "rounds won through replica 0 / 1 / 2", " / ".join(map(str, wins)), "any")
        self.assertEqual(bad_rounds, [])


if __name__ == "__main__":
    unittest.main()
