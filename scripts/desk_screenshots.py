"""Screenshots of the web desk over examples/ for docs/desk.md (Playwright + Debian's Chromium).

Run: .venv/bin/python scripts/desk_screenshots.py [--out docs/desk] [--input examples]
Builds a store from examples/ with `newsfuse ingest`, starts `newsfuse serve` on a free loopback
port, and saves one-viewport PNG shots of the events list filtered to disputes, the event with
the most disputed facts (brief, facts, quotes, timeline, sources), a disputed figure highlighted
in its article, and the map.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def api(base: str, path: str) -> Any:
    """A JSON twin's document."""
    with urllib.request.urlopen(base + path, timeout=60) as response:
        return json.load(response)


def wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    """Block until the desk answers (raises if it exits)."""
    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError(f"newsfuse serve exited with {process.returncode}")
        try:
            api(base, "/api/events?limit=1")
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("newsfuse serve did not start")


def shoot(base: str, out: Path) -> list[Path]:
    """Open the pages in Chromium and save the shots; returns their paths."""
    from playwright.sync_api import sync_playwright

    rows = api(base, "/api/events?limit=200")["events"]
    busiest = max(rows, key=lambda e: (e["disputed"], e["n_articles"], e["id"]))
    event = api(base, f"/api/events/{busiest['id']}")["event"]
    fact = next(f for f in event["facts"] if f["status"] == "disputed")
    claim = fact["claims"][0]
    saved: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})

        def save(name: str) -> None:
            path = out / f"{name}.png"
            page.screenshot(path=str(path))
            saved.append(path)

        page.goto(base + "/?disputed=1")
        save("01-events-disputed")
        page.goto(base + f"/events/{busiest['id']}")
        save("02-event-brief")
        for number, heading in (("03", "Facts"), ("04", "Quotes by speaker"),
                                ("05", "Timeline"), ("06", "Sources side by side")):
            page.locator("h2", has_text=heading).evaluate("e => e.scrollIntoView()")
            save(f"{number}-event-{heading.split()[0].lower()}")
        page.goto(base + f"/articles/{claim['article']}?span={claim['start']}-{claim['end']}"
                  f"#hit")
        save("07-article-highlight")
        page.goto(base + "/map")
        save("08-map")
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "desk")
    parser.add_argument("--input", type=Path, default=ROOT / "examples",
                        help="Articles to ingest (default: examples/)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newsfuse-shots-") as tmp:
        db = str(Path(tmp) / "news.db")
        newsfuse = [sys.executable, "-m", "newsfuse", "-q"]
        subprocess.run([*newsfuse, "ingest", str(args.input), "--db", db], check=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        process = subprocess.Popen([*newsfuse, "serve", "--db", db, "--port", str(port)])
        try:
            wait_ready(base, process)
            for path in shoot(base, args.out):
                print(f"{path}  {path.stat().st_size / 1024:.0f} KB")  # noqa: T201 (a script)
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
