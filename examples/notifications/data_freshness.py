#!/usr/bin/python3
# notifyd: schedule="*/15 * * * *" timeout=60
"""Alert when a local data file is stale: its newest row, or the file itself, is too old.

Looks at every `*.csv` in the data directory. A file with a `date` column is
as fresh as its newest row (a date counts until the end of that day, so
yesterday's rows are fresh all of today); a file without one is as fresh as
its modification time. A file older than MAX_AGE, or no data file at all, is
reported:

    Stale data: 1 file
    `revenue.csv`: newest row 2026-11-20, 4 days 9 hours old
    Limit: 1 day.

The message tells you what to run to refresh the sample
(`examples/data/make_sample_data.py`); with real data that is your sync job.

The data lives in `../data` next to this script; set NOTIFYD_EXAMPLE_DATA to
another directory and NOTIFYD_FRESHNESS_MAX_AGE to another limit (`36h`,
`2d`, `90m`), or edit DATA_DIR and MAX_AGE when you copy the script to
`~/user/notifications/`.
"""

import csv
import datetime
import json
import os
import pathlib
import re
import sys

DATA_DIR = pathlib.Path(
    os.environ.get("NOTIFYD_EXAMPLE_DATA", pathlib.Path(__file__).resolve().parent.parent / "data"))
MAX_AGE = os.environ.get("NOTIFYD_FRESHNESS_MAX_AGE", "1d")
PATTERN = "*.csv"
DATE_COLUMN = "date"
UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400}


def parse_age(text):
    match = re.fullmatch(r"([1-9][0-9]*)([mhd])", text)
    if not match:
        sys.exit(f"data_freshness: max age must look like 90m, 36h or 2d, got {text!r}")
    return datetime.timedelta(seconds=int(match[1]) * UNIT_SECONDS[match[2]])


def describe_age(age):
    minutes = int(age.total_seconds() // 60)
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    parts = [(days, "day"), (hours, "hour")] if days else [(hours, "hour"), (minutes, "minute")]
    text = " ".join(f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n)
    return text or "less than a minute"


def newest_row(path):
    """(timestamp the data is good until, the newest value as written), or None without a date column."""
    newest = None
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        if DATE_COLUMN not in (reader.fieldnames or []):
            return None
        for row in reader:
            value = (row[DATE_COLUMN] or "").strip()
            if not value:
                continue
            if len(value) == 10:
                until = datetime.datetime.fromisoformat(value) + datetime.timedelta(days=1)
            else:
                until = datetime.datetime.fromisoformat(value)
                if until.tzinfo is not None:
                    until = until.astimezone().replace(tzinfo=None)
            if newest is None or until > newest[0]:
                newest = (until, value)
    return newest or (datetime.datetime.min, "none (no rows)")


def freshness(path, now):
    """(age, what the age is based on) of one data file."""
    try:
        row = newest_row(path)
    except (OSError, ValueError, csv.Error) as error:
        return None, f"unreadable ({error.__class__.__name__}: {error})"
    if row is not None:
        until, value = row
        return max(now - until, datetime.timedelta(0)), f"newest row {value}"
    modified = datetime.datetime.fromtimestamp(path.stat().st_mtime)
    return max(now - modified, datetime.timedelta(0)), f"modified {modified:%Y-%m-%d %H:%M}"


def main():
    max_age = parse_age(MAX_AGE)
    now = datetime.datetime.now()
    files = sorted(DATA_DIR.glob(PATTERN))
    checked = {}
    stale = []
    for path in files:
        age, basis = freshness(path, now)
        checked[path.name] = {"basis": basis, "age_seconds": None if age is None else int(age.total_seconds())}
        if age is None:
            stale.append(f"`{path.name}`: {basis}")
        elif age > max_age:
            stale.append(f"`{path.name}`: {basis}, {describe_age(age)} old")

    data = {"directory": str(DATA_DIR), "max_age": MAX_AGE, "files": checked}
    if files and not stale:
        print(json.dumps({"notify": False, "data": data}))
        return

    if not files:
        title = "No data files"
        lines = [f"Nothing matches `{PATTERN}` in `{DATA_DIR}`."]
    else:
        title = f"Stale data: {len(stale)} file{'s' if len(stale) != 1 else ''}"
        lines = stale + [f"Limit: {describe_age(max_age)}."]
    lines.append("Refresh the sample with `examples/data/make_sample_data.py`.")
    print(json.dumps({
        "notify": True,
        "title": title,
        "message": "\n".join(lines),
        "cooldown": "6h",
        "data": data,
    }))


if __name__ == "__main__":
    main()
