"""Screenshot the docs' landing page as a visitor's browser first shows it: run by hand.

    make docs-alone                       # or make docs: the pages in docs/_build/html
    python tools/screenshot_landing.py    # -> docs/_build/landing.png (1280 x 800)
    python tools/screenshot_landing.py --size 390,844 --output /tmp/phone.png

What a visitor sees before scrolling ("above the fold") is what the window shows: the
landing page should put the install line and the example there. Headless Chromium
(Debian's ``chromium`` package: ``apt-get install -y chromium``) draws the page from the
built files; nothing is fetched from the network (``--disable-background-networking`` and
friends keep Chromium itself quiet). Look at the PNG.
"""

from __future__ import annotations

import argparse
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", type=pathlib.Path, default=ROOT / "docs/_build/html/index.html")
    parser.add_argument("--output", type=pathlib.Path, default=ROOT / "docs/_build/landing.png")
    parser.add_argument("--size", default="1280,800", help="window WIDTH,HEIGHT in CSS pixels")
    args = parser.parse_args(argv)
    browser = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    if browser is None:
        print("error: no Chromium found: apt-get install -y chromium", file=sys.stderr)
        return 1
    if not args.page.exists():
        print(f"error: {args.page} does not exist: build the docs first", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            browser,
            *FLAGS,
            f"--window-size={args.size}",
            f"--screenshot={args.output.resolve()}",
            args.page.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
