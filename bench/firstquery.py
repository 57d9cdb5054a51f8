"""The first query through Pagefind's API over the sharded index: the browser side before and after, in one run.

Issue 18's target: the first query of a fresh browser context through the API
under 300 ms, on the edition with the three volumes of ../shared/frus/ (skipped
with a line when that folder is absent). The index is sharded by input
(toolkit/search.py); what a first query costs is decided in the browser, by
``html/pagefind/shards.js`` (from ``xslt/shards.js``) and Pagefind's own
module. So one site is built (``bench/corpus/firstquery-site/``, gitignored;
kept between runs unless ``--rebuild``), and two versions of ``shards.js`` are
served over it in turn: ``xslt/shards.js`` of ``--before`` (a revision) and of
this tree, each with the list of shards the build wrote. Fresh browser
contexts take turns (before, after, after, before, ...), ``--rounds`` each:

* **search page**: bench/search.py's first query, as it has been measured since
  the index was first made: the search page loaded (its own script opens the
  index), then the API imported, ``options({highlightParam: 'find'})``, a
  search for "Kuznetsov" and the data of its first 10 results;
* **cold**: the same query from the home page, which has no search script:
  nothing of Pagefind loaded before the query (what a reader's script on a
  page of its own pays);
* with ``--shards N,M``, the cold query again over copies of the index whose
  volume shards are repeated until there are N, M shards (bench/shards.py's
  ``replicate``: the same words, more shards to open): how the first query
  grows with the number of shards;
* with ``--one-index 620fbe4`` (or a site), the same library with one
  Pagefind index, built once by the toolkit of a revision from before the
  index was sharded, queried through its ``pagefind.js`` in the same turns:
  what the shards cost against no shards.

For each: the median and slowest wall milliseconds, and the median CPU
milliseconds of the browser's processes during the query (Chromium's, from
/proc: user + system), which the load of other work on the machine changes
less than wall time. Results: bench/results/firstquery.md and .json.

    python bench/firstquery.py [--before 53427f7] [--rounds 9] [--shards 8,16,64] [--one-index 620fbe4]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests"))

from measure import SHARED  # noqa: E402  (bench/measure.py: what the benchmarks share)
from search import FIRST_WORD, QUERY  # noqa: E402  (bench/search.py: the same first query)

SITE = ROOT / "bench" / "corpus" / "firstquery-site"
RESULTS = ROOT / "bench" / "results"
#: The commit before the first-query work (issue 18): shards.js as the lead measured it, 625 ms quiet.
BEFORE = "53427f7"
TARGET_MS = 300
#: Where the first query is made: the search page (its script opens the index at load), a page without it.
PAGES = {"search page": "html/search/index.html", "cold (home page)": "html/index.html"}
_SHARDS_LINE = "export const shards = "
_TICK = os.sysconf("SC_CLK_TCK")


def build(site: Path, tree: Path = ROOT) -> None:
    """The edition and every volume of ../shared/frus/, all published (``--no-validate``), indexed, by the
    toolkit of ``tree`` (this one, or a ``git archive`` of another revision run with this venv)."""
    from measure import own_package_data

    own_package_data(tree)
    shutil.rmtree(site, ignore_errors=True)
    inputs = [ROOT / "tei", *sorted(SHARED.glob("*.xml"))]
    subprocess.run([sys.executable, "-m", "toolkit", "build", "--no-validate", "--out", str(site),
                    *map(str, inputs)], cwd=tree, check=True, stdout=subprocess.DEVNULL)


def one_index_site(given: str) -> Path:
    """A site of the same library with one Pagefind index: ``given`` is such a site, or a revision from
    before the index was sharded (620fbe4), whose toolkit builds it once (bench/corpus/firstquery-REV/, kept)."""
    if Path(given).is_dir():
        return Path(given).resolve()
    import scale  # bench/scale.py: before_tree

    site = SITE.parent / f"firstquery-{given}"
    if not (site / "html" / "pagefind" / "pagefind-entry.json").is_file():
        tree = scale.before_tree(given, SITE.parent / f"firstquery-{given}-toolkit")
        build(site, tree)
        shutil.rmtree(tree, ignore_errors=True)
    return site


def module_text(template: str, built: Path) -> str:
    """``template`` (an xslt/shards.js) with the list of shards of the built module ``built``."""
    listing = next(line for line in built.read_text(encoding="utf-8").splitlines()
                   if line.startswith(_SHARDS_LINE))
    return template.replace(_SHARDS_LINE + "[];", listing, 1)


def templates(before: str) -> dict[str, str]:
    """xslt/shards.js of ``before`` and of this tree, by name."""
    old = subprocess.run(["git", "show", f"{before}:xslt/shards.js"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return {f"before ({before})": old, "after (this tree)": (ROOT / "xslt" / "shards.js").read_text(encoding="utf-8")}


def _chromium_cpu() -> float:
    """CPU seconds (user + system) of every Chromium process under this one."""
    parents, names = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name, rest = text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 2:].split()
        parents[int(entry)] = (int(rest[1]), [int(value) for value in rest[11:13]])
        names[int(entry)] = name
    total, mine = 0, os.getpid()
    for pid, (parent, ticks) in parents.items():
        if "chrom" not in names[pid].lower():
            continue
        ancestor = parent
        while ancestor not in (0, 1, mine) and ancestor in parents:
            ancestor = parents[ancestor][0]
        if ancestor == mine:
            total += sum(ticks)
    return total / _TICK


def measure(site: Path, modules: dict[str, str], pages: dict[str, str], rounds: int,
            others: dict[str, Path] | None = None) -> dict:
    """For each page and each version of shards.js: wall and Chromium CPU ms of the first query of
    ``rounds`` fresh contexts, versions taking turns; ``others``: sites with one Pagefind index (built
    before the index was sharded), queried through their pagefind.js in the same turns."""
    import contextlib

    from playwright.sync_api import sync_playwright

    from browser_support import find_chromium, launch, serve

    chromium = find_chromium()
    if chromium is None:
        return {"skipped": "Chromium is not installed"}
    others = others or {}
    served = site / "html" / "pagefind" / "shards.js"
    built = served.read_text(encoding="utf-8")
    texts = {name: module_text(template, served) for name, template in modules.items()}
    order = [*texts, *others]
    found: dict = {page: {name: {"wall": [], "cpu": [], "results": None} for name in order} for page in pages}
    try:
        with contextlib.ExitStack() as stack, sync_playwright() as playwright:
            origins = {name: stack.enter_context(serve(path)) for name, path in others.items()}
            origin_sharded = stack.enter_context(serve(site))
            browser = launch(playwright, chromium)
            for turn in range(rounds):
                for page_name, address in pages.items():
                    for name in (order if turn % 2 == 0 else order[::-1]):
                        if name in texts:
                            served.write_text(texts[name], encoding="utf-8")
                        origin, module = (origins[name], "pagefind.js") if name in others \
                            else (origin_sharded, "shards.js")
                        context = browser.new_context()  # nothing of the index cached
                        page = context.new_page()
                        requests: list[str] = []
                        page.on("request", lambda request, seen=requests: seen.append(request.url))
                        page.goto(f"{origin}/{address}", wait_until="load")
                        before, loaded = _chromium_cpu(), len(requests)
                        milliseconds, count = page.evaluate(QUERY, [FIRST_WORD, True, module])
                        record = found[page_name][name]
                        record["cpu"].append((_chromium_cpu() - before) * 1000)
                        # what the page fetched from its load to the query's answer (its own script's too)
                        record.setdefault("requests", []).append(len(requests) - loaded)
                        record["wall"].append(milliseconds)
                        record["results"] = count
                        context.close()
            browser.close()
    finally:
        served.write_text(built, encoding="utf-8")
    for runs in found.values():
        for record in runs.values():
            walls, cpus, fetched = record.pop("wall"), record.pop("cpu"), record.pop("requests")
            record.update(median_ms=statistics.median(walls), slowest_ms=max(walls), fastest_ms=min(walls),
                          cpu_ms=statistics.median(cpus), requests=statistics.median(fetched), runs=len(walls))
    return found


def shard_count(site: Path) -> int:
    text = (site / "html" / "pagefind" / "shards.js").read_text(encoding="utf-8")
    return len(json.loads(next(line for line in text.splitlines() if line.startswith(_SHARDS_LINE))
                          [len(_SHARDS_LINE):].rstrip(";")))


def markdown(report: dict) -> str:
    names = report["modules"]
    lines = [f"## The first query through the API: shards.js before ({report['before']}) and after", "",
             f"{report['date']}; {report['machine']}; `python bench/firstquery.py` ({report['rounds']} fresh "
             f"contexts each, taking turns). \"{FIRST_WORD}\" and the data of its first 10 results; wall ms "
             "median / fastest / slowest (the fastest: the run least slowed by other work on the machine), and "
             "the median CPU ms of Chromium's processes during the query, and the requests the page made from its "
             "load event to the answer (the search page's own script's included). "
             f"Target: {TARGET_MS} ms.", "",
             "| library | page | shards | " + " | ".join(f"{name}: wall median / fastest / slowest, CPU, requests" for name in names)
             + " | after / before (wall median) |",
             "| --- | --- | ---: | " + " | ".join("---:" for _ in names) + " | ---: |"]
    for row in report["rows"]:
        cells = [f"{row['runs'][name]['median_ms']:.0f} / {row['runs'][name]['fastest_ms']:.0f} / "
                 f"{row['runs'][name]['slowest_ms']:.0f}, {row['runs'][name]['cpu_ms']:.0f}, "
                 f"{row['runs'][name]['requests']:.0f}"
                 if name in row["runs"] else "-" for name in names]
        ratio = row["runs"][names[1]]["median_ms"] / row["runs"][names[0]]["median_ms"]
        lines.append(f"| {row['library']} | {row['page']} | {row['shards']} | " + " | ".join(cells)
                     + f" | {ratio:.2f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default=BEFORE, help=f"the revision whose xslt/shards.js is 'before' "
                                                         f"(default {BEFORE})")
    parser.add_argument("--rounds", type=int, default=9, help="fresh contexts for each version and page")
    parser.add_argument("--shards", default="", help="also the cold query over the index's volume shards "
                                                      "repeated to these counts, e.g. 4,16,64")
    parser.add_argument("--also", action="append", default=[], metavar="NAME=FILE",
                        help="another version of xslt/shards.js to serve in turn with the two (a trial)")
    parser.add_argument("--pages", default="search,cold", help="which first queries: search (on the search "
                                                                  "page), cold (home page), or both")
    parser.add_argument("--one-index", metavar="SITE|REV",
                        help="also the same library with one Pagefind index (a site, or a revision from before "
                             "the index was sharded, e.g. 620fbe4, built once), queried through its pagefind.js "
                             "in the same turns")
    parser.add_argument("--site", type=Path, default=SITE)
    parser.add_argument("--rebuild", action="store_true", help="build the site again even if it is there")
    args = parser.parse_args(argv)
    if not sorted(SHARED.glob("*.xml")):
        print(f"bench/firstquery.py: {SHARED} is absent: no library to search, skipped")
        return 0
    site = args.site.resolve()
    if args.rebuild or not (site / "html" / "pagefind" / "shards.js").is_file():
        build(site)
    import run  # bench/run.py: machine()
    import shards as shard_bench  # bench/shards.py: replicate

    modules = templates(args.before)
    for also in args.also:
        name, _, path = also.partition("=")
        modules[name] = Path(path).read_text(encoding="utf-8")
    report = {"before": args.before, "modules": list(modules), "rounds": args.rounds,
              "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "machine": f"load average {os.getloadavg()[0]:.1f} at the start, {os.cpu_count()} CPUs"
                         f" ({run.machine().get('cpu_model', '?')})", "rows": []}
    pages = {name: address for name, address in PAGES.items() if name.split()[0] in args.pages.split(",")}
    library = f"edition + {len(sorted(SHARED.glob('*.xml')))} volumes"
    others = {}
    if args.one_index:
        other = one_index_site(args.one_index)
        others[f"one index ({other.name})"] = other
    measured = measure(site, modules, pages, args.rounds, others)
    if "skipped" in measured:
        print(f"bench/firstquery.py: {measured['skipped']}: skipped")
        return 0
    report["modules"] += list(others)
    for page, runs in measured.items():
        report["rows"].append({"library": library, "page": page, "shards": shard_count(site), "runs": runs})
    for count in [int(count) for count in args.shards.split(",") if count]:
        copy = shard_bench.replicate(site, site.parent / f"{site.name}-x{count}", count)
        runs = measure(copy, modules, {"cold (home page)": "html/index.html"}, args.rounds)["cold (home page)"]
        report["rows"].append({"library": f"{library}, volume shards repeated", "page": "cold (home page)",
                               "shards": shard_count(copy), "runs": runs})
        shutil.rmtree(copy, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "firstquery.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    text = markdown(report)
    (RESULTS / "firstquery.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
