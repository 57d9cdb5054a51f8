"""Screenshots of the HTML edition in headless Chromium (`make screenshots`).

    python tests/screenshots.py [--site build] [--out build/screenshots] [--readme docs]

Serves the built site (SITE/html/...) on 127.0.0.1 and writes, for the
document page:
  desktop.png         1280 px wide, the whole page
  desktop-top.png     1280 x 800, the first screen
  mobile.png          390 px wide (a phone), the whole page
  mobile-top.png      390 x 844, the first screen
  dark-top.png        1280 x 800 in the dark colour scheme, a name's card open
With --readme DIR the three first screens are also written to
DIR/screenshot-desktop.png, screenshot-mobile.png and screenshot-dark.png
(the README's pictures are made this way).

Needs Debian's Chromium (or $CHROMIUM) and the playwright package; exits 2
with the reason when they are missing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from browser_support import DESKTOP, DOCUMENT_PAGE, MOBILE, find_chromium, launch, serve

from toolkit.paths import BUILD_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=BUILD_DIR, help="the build folder (default: build/)")
    parser.add_argument("--out", type=Path, default=None, help="where to write (default: SITE/screenshots)")
    parser.add_argument("--readme", type=Path, default=None,
                        help="also write the first screens here as screenshot-{desktop,mobile,dark}.png")
    args = parser.parse_args(argv)

    page_file = args.site / DOCUMENT_PAGE
    if not page_file.is_file():
        print(f"screenshots: {page_file} is missing: run `make` (or `teikit build`) first", file=sys.stderr)
        return 2
    chromium = find_chromium()
    if chromium is None:
        print("screenshots: Chromium is not installed (Debian: apt-get install chromium)", file=sys.stderr)
        return 2
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("screenshots: the Python package playwright is not installed: run `make setup`", file=sys.stderr)
        return 2

    out = args.out or args.site / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with serve(args.site) as origin, sync_playwright() as playwright:
        browser = launch(playwright, chromium)
        try:
            shots = [("desktop", DESKTOP, {}), ("mobile", MOBILE, {"is_mobile": True, "has_touch": True}),
                     ("dark", DESKTOP, {"color_scheme": "dark"})]
            for name, viewport, options in shots:
                context = browser.new_context(viewport=viewport, **options)
                page = context.new_page()
                page.goto(f"{origin}/{DOCUMENT_PAGE}", wait_until="networkidle")
                if name == "dark":
                    # the card of the first person named, to show it too
                    page.locator("#text a.name.person").first.click()
                else:
                    page.screenshot(path=out / f"{name}.png", full_page=True)
                    written.append(out / f"{name}.png")
                first_screen = [out / f"{name}-top.png"] + ([args.readme / f"screenshot-{name}.png"] if args.readme else [])
                for path in first_screen:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=path, full_page=False)
                    written.append(path)
                context.close()
        finally:
            browser.close()
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
