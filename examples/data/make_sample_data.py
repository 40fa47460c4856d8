#!/usr/bin/python3
"""Writes the sample data the example notification scripts read.

    examples/data/make_sample_data.py                 # rows ending today
    examples/data/make_sample_data.py --end 2026-11-24 --out /tmp/data
    examples/data/make_sample_data.py --no-drop       # last day looks normal

`revenue.csv` has one row per day (`date,revenue,orders`): weekday seasonality,
a slow trend and noise from a fixed seed, so the same `--end` always gives the
same file. Unless `--no-drop` is given, the last day's revenue is 25% below its
7-day average, which is what `revenue_drop.py` alerts on.
"""

import argparse
import csv
import datetime
import pathlib
import random
import statistics

WEEKDAY_FACTOR = (1.05, 1.08, 1.06, 1.04, 1.10, 0.85, 0.80)  # Monday .. Sunday
BASE_REVENUE = 60_000.0
AVERAGE_ORDER_VALUE = 78.0
DROP_FACTOR = 0.75


def revenue_rows(end, days, drop):
    rng = random.Random(8)
    rows = []
    for offset in range(days - 1, -1, -1):
        day = end - datetime.timedelta(days=offset)
        trend = 1.0 + 0.002 * (days - offset)
        revenue = BASE_REVENUE * trend * WEEKDAY_FACTOR[day.weekday()] * rng.gauss(1.0, 0.03)
        rows.append([day, revenue])
    if drop:
        rows[-1][1] = DROP_FACTOR * statistics.fmean(r[1] for r in rows[-8:-1])
    return [
        (day.isoformat(), f"{revenue:.2f}", round(revenue / rng.gauss(AVERAGE_ORDER_VALUE, 2.0)))
        for day, revenue in rows
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--end", type=datetime.date.fromisoformat, default=datetime.date.today(),
                        help="date of the last row, YYYY-MM-DD (default: today)")
    parser.add_argument("--days", type=int, default=90, help="number of daily rows (at least 8)")
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parent,
                        help="directory to write into (default: this script's directory)")
    parser.add_argument("--no-drop", dest="drop", action="store_false",
                        help="do not make the last day's revenue drop")
    args = parser.parse_args()
    if args.days < 8:
        parser.error("--days must be at least 8 (the alert compares with a 7-day average)")

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "revenue.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["date", "revenue", "orders"])
        writer.writerows(revenue_rows(args.end, args.days, args.drop))
    print(f"wrote {path} ({args.days} days ending {args.end})")


if __name__ == "__main__":
    main()
