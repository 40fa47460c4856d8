#!/usr/bin/python3
# notifyd: schedule="*/5 * * * *" timeout=60
"""Text alert when the latest day's revenue drops below its 7-day average.

Reads `revenue.csv` (`date,revenue,orders`, one row per day) and compares the
newest day with the average of the seven days before it. When revenue fell by
more than THRESHOLD_PERCENT (20; NOTIFYD_REVENUE_DROP_PERCENT overrides it) it
prints a notification such as

    Revenue dropped 25%
    2026-11-24: $52.9k | 7d avg: $70.6k

otherwise `{"notify": false, ...}`. The cooldown keeps it to one alert an hour
although it runs every five minutes.

The data lives in `../data` next to this script (the shipped sample, see
`examples/data/make_sample_data.py`); set NOTIFYD_EXAMPLE_DATA to another
directory, or point DATA_DIR at your own export when you copy the script to
`~/user/notifications/`.
"""

import csv
import json
import os
import pathlib
import statistics
import sys

DATA_DIR = pathlib.Path(
    os.environ.get("NOTIFYD_EXAMPLE_DATA", pathlib.Path(__file__).resolve().parent.parent / "data"))
THRESHOLD_PERCENT = float(os.environ.get("NOTIFYD_REVENUE_DROP_PERCENT", "20"))
BASELINE_DAYS = 7


def read_daily_revenue(path):
    """[(date string, revenue)] sorted by date."""
    with path.open(newline="") as f:
        rows = [(row["date"], float(row["revenue"])) for row in csv.DictReader(f)]
    return sorted(rows)


def money(amount):
    return f"${amount / 1000:,.1f}k" if abs(amount) >= 1000 else f"${amount:,.0f}"


def main():
    path = DATA_DIR / "revenue.csv"
    try:
        rows = read_daily_revenue(path)
    except (OSError, KeyError, ValueError) as error:
        sys.exit(f"revenue_drop: cannot read {path}: {error!r}")
    if len(rows) < BASELINE_DAYS + 1:
        sys.exit(f"revenue_drop: {path} has {len(rows)} days; need at least {BASELINE_DAYS + 1}")

    day, revenue = rows[-1]
    average = statistics.fmean(value for _, value in rows[-BASELINE_DAYS - 1:-1])
    change = (revenue - average) / average * 100 if average else 0.0
    data = {"date": day, "revenue": round(revenue, 2), "avg_7d": round(average, 2),
            "change_percent": round(change, 1), "threshold_percent": THRESHOLD_PERCENT}

    if -change <= THRESHOLD_PERCENT:
        print(json.dumps({"notify": False, "data": data}))
        return
    print(json.dumps({
        "notify": True,
        "title": f"Revenue dropped {-change:.0f}%",
        "message": f"{day}: {money(revenue)} | 7d avg: {money(average)}",
        "cooldown": "1h",
        "data": data,
    }))


if __name__ == "__main__":
    main()
