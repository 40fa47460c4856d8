#!/usr/bin/python3
# notifyd: schedule="0 9 * * *" timeout=120
"""Daily report with a chart: revenue and orders of the last 30 days as an image.

Every morning at 9 it reads `revenue.csv` (`date,revenue,orders`), draws
revenue with its 7-day average above the daily orders, saves the chart as a
PNG and prints a notification that carries it (`image_path`): Telegram shows
the chart as a photo with the text as its caption.

    Daily report 2026-11-24
    Revenue $52.9k, 656 orders
    30 days: $2.05M (+5.5% vs the 30 days before), 26,394 orders

The chart goes to `<tmp>/notifyd_<user>/metric_report.png`, in a directory only
you can enter, and is replaced on every run. matplotlib draws with its Agg
backend (no display needed); notifyd sets MPLCONFIGDIR for its cache.

The data lives in `../data` next to this script; set NOTIFYD_EXAMPLE_DATA to
another directory, or edit DATA_DIR when you copy the script to
`~/user/notifications/`. Run it by hand with `notifyctl run metric_report`.
"""

import csv
import datetime
import json
import os
import pathlib
import pwd
import stat
import sys
import tempfile

DATA_DIR = pathlib.Path(
    os.environ.get("NOTIFYD_EXAMPLE_DATA", pathlib.Path(__file__).resolve().parent.parent / "data"))
REPORT_DAYS = 30
AVERAGE_DAYS = 7

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.dates
    import matplotlib.pyplot as plt
except ImportError as error:
    sys.exit(f"metric_report: needs matplotlib ({error}); install python3-matplotlib, "
             "or `pip install matplotlib` into ~/.venv, which notifyd uses when present")


def read_days(path):
    """[(date, revenue, orders)] sorted by date."""
    with path.open(newline="") as f:
        rows = [(datetime.date.fromisoformat(r["date"]), float(r["revenue"]), int(r["orders"]))
                for r in csv.DictReader(f)]
    return sorted(rows)


def money(amount):
    if abs(amount) >= 1_000_000:
        return f"${amount / 1_000_000:,.2f}M"
    return f"${amount / 1000:,.1f}k" if abs(amount) >= 1000 else f"${amount:,.0f}"


def rolling_mean(values, window):
    """Mean of each value and the window - 1 before it (fewer at the start)."""
    out = []
    for i in range(len(values)):
        part = values[max(0, i - window + 1):i + 1]
        out.append(sum(part) / len(part))
    return out


def private_image_dir():
    """A directory only this user can enter, so nobody can plant a symlink where the chart goes."""
    uid = os.getuid()
    user = pwd.getpwuid(uid).pw_name
    path = pathlib.Path(tempfile.gettempdir()) / f"notifyd_{user}"
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        pass
    info = os.lstat(path)
    if stat.S_ISDIR(info.st_mode) and info.st_uid == uid and not info.st_mode & 0o077:
        return path
    return pathlib.Path(tempfile.mkdtemp(prefix=f"notifyd_{user}_"))


def draw_chart(rows, days, path):
    """Draws the last `days` of `rows`; the average also uses the days before them."""
    average = rolling_mean([r / 1000 for _, r, _ in rows], AVERAGE_DAYS)[-days:]
    rows = rows[-days:]
    dates = [d for d, _, _ in rows]
    revenue = [r / 1000 for _, r, _ in rows]
    orders = [o for _, _, o in rows]
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(9, 5.5), sharex=True,
                                         gridspec_kw={"height_ratios": [2, 1]})
    top.plot(dates, revenue, marker="o", markersize=3, label="revenue")
    top.plot(dates, average, linestyle="--", label=f"{AVERAGE_DAYS}-day average")
    top.set_ylabel("revenue ($k)")
    top.set_title(f"Revenue and orders, {dates[0]:%b %d} to {dates[-1]:%b %d %Y}")
    top.legend(loc="lower left")
    top.grid(alpha=0.3)
    bottom.bar(dates, orders, color="tab:gray")
    bottom.set_ylabel("orders")
    bottom.grid(alpha=0.3, axis="y")
    bottom.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%b %d"))
    figure.autofmt_xdate()
    figure.tight_layout()
    partial = path.with_suffix(".png.partial")
    figure.savefig(partial, format="png", dpi=100)
    plt.close(figure)
    os.replace(partial, path)


def main():
    path = DATA_DIR / "revenue.csv"
    try:
        rows = read_days(path)
    except (OSError, KeyError, ValueError) as error:
        sys.exit(f"metric_report: cannot read {path}: {error!r}")
    if not rows:
        sys.exit(f"metric_report: {path} has no rows")

    recent = rows[-REPORT_DAYS:]
    before = rows[-2 * REPORT_DAYS:-REPORT_DAYS]
    day, revenue, orders = recent[-1]
    total = sum(r for _, r, _ in recent)
    lines = [f"Revenue {money(revenue)}, {orders:,} orders"]
    summary = f"{len(recent)} days: {money(total)}"
    data = {"date": day.isoformat(), "revenue": revenue, "orders": orders,
            "days": len(recent), "revenue_total": round(total, 2)}
    if len(before) == len(recent):
        previous = sum(r for _, r, _ in before)
        change = (total - previous) / previous * 100 if previous else 0.0
        summary += f" ({change:+.1f}% vs the {len(before)} days before)"
        data["change_percent"] = round(change, 1)
    lines.append(f"{summary}, {sum(o for _, _, o in recent):,} orders")

    image = private_image_dir() / "metric_report.png"
    draw_chart(rows, REPORT_DAYS, image)
    print(json.dumps({
        "notify": True,
        "title": f"Daily report {day.isoformat()}",
        "message": "\n".join(lines),
        "image_path": str(image),
        "cooldown": "1d",
        "data": data,
    }))


if __name__ == "__main__":
    main()
