"""The first query through Pagefind's API over the sharded index: the browser side before and after, in one run.

Issue 18's target: the first query of a fresh browser context through the API
under 300 ms, on the edition with the three volumes of ../shared/frus/ (skipped
with a line when that folder is absent). The index is sharded by input
(toolkit/search.py); what a first query costs is decided in the browser, by
``html/pagefind/shards.js`` (from ``xslt/shards.js``) and Pagefind's own
module. So one site is built (``bench/corpus/firstquery-site/``, gitignored;
kept between runs unless ``--rebuild``), and two versions of the browser's
scripts are served over it in turn: ``xslt/shards.js`` and the search page's
``xslt/search.js`` of ``--before`` (a revision) and of this tree, the first
with the list of shards the build wrote; each served two ways (``--servers``):
as `teikit serve` serves a site (toolkit.serve.SiteHandler: Cache-Control,
Pagefind's gzip files sent as Content-Encoding: gzip) and as Python's plain
http.server does (what the first query was measured with before firstquery3).
Fresh browser contexts take turns (before, after, after, before, ...),
``--rounds`` each:

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
less than wall time, and the requests: those the page made, and those the
server answered (the rest came from the browser's cache). Results:
bench/results/firstquery.md and .json.

    python bench/firstquery.py [--before 44dd584] [--rounds 9] [--shards 8,16,64] [--one-index 620fbe4]
                               [--servers site,plain] [--pages search,cold]
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
#: main before firstquery3's work (shards.js fetching ahead, the search page's filters after its first
#: search): what the lead measured quietly at 426 ms on the search page and 344 cold, served plain.
#: (The first helper's "before", 53427f7, was the 625 ms of the evening.)
BEFORE = "44dd584"
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


#: The scripts a version is made of: the module over the shards, and the search page's script (html/search.js).
SCRIPTS = ("shards.js", "search.js")


def templates(before: str) -> dict[str, dict[str, str]]:
    """xslt/shards.js and xslt/search.js of ``before`` and of this tree, by name of the version."""
    def old(name: str) -> str:
        return subprocess.run(["git", "show", f"{before}:xslt/{name}"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout

    return {f"before ({before})": {name: old(name) for name in SCRIPTS},
            "after (this tree)": {name: (ROOT / "xslt" / name).read_text(encoding="utf-8") for name in SCRIPTS}}


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


#: How the sites are served: as `teikit serve` does (toolkit.serve.SiteHandler: Cache-Control, Pagefind's gzip
#: files as Content-Encoding: gzip), or as Python's http.server does (no Cache-Control, the gzip files as
#: bytes that Pagefind's script inflates): what the first query was measured with before firstquery3.
SERVERS = {"site": "served as `teikit serve` does", "plain": "plain http.server"}


def variant_name(name: str, server: str, servers: list[str]) -> str:
    return name if len(servers) == 1 else f"{name}, {SERVERS[server]}"


def measure(site: Path, modules: dict[str, dict[str, str]], pages: dict[str, str], rounds: int,
            others: dict[str, Path] | None = None, servers: list[str] = ("site",)) -> dict:
    """For each page, each version of the scripts (shards.js and the search page's search.js) and each way
    of serving the site (:data:`SERVERS`): wall and Chromium CPU ms of the first query of ``rounds`` fresh
    contexts, all taking turns; ``others``: sites with one Pagefind index (built before the index was
    sharded), queried through their pagefind.js in the same turns. Also the requests the page made (the
    browser's cache's answers included) and those the server answered."""
    import contextlib

    from playwright.sync_api import sync_playwright

    from browser_support import find_chromium, launch, serve

    chromium = find_chromium()
    if chromium is None:
        return {"skipped": "Chromium is not installed"}
    servers = list(servers)
    others = others or {}
    served = {"shards.js": site / "html" / "pagefind" / "shards.js", "search.js": site / "html" / "search.js"}
    built = {name: path.read_text(encoding="utf-8") for name, path in served.items()}
    texts = {name: {"shards.js": module_text(scripts["shards.js"], served["shards.js"]),
                    "search.js": scripts.get("search.js", built["search.js"])} for name, scripts in modules.items()}
    # (label, version of the scripts or None for a one-index site, site, server)
    variants = [(variant_name(name, server, servers), name, site, server) for name in texts for server in servers]
    variants += [(variant_name(name, server, servers), None, path, server)
                 for name, path in others.items() for server in servers]
    found: dict = {page: {label: {"wall": [], "cpu": [], "requests": [], "answered": []}
                          for label, *_ in variants} for page in pages}
    answered: list[str] = []
    try:
        with contextlib.ExitStack() as stack, sync_playwright() as playwright:
            origins = {(path, server): stack.enter_context(serve(path, server == "plain", answered))
                       for _, _, path, server in variants}
            browser = launch(playwright, chromium)
            for turn in range(rounds):
                for page_name, address in pages.items():
                    for label, name, path, server in (variants if turn % 2 == 0 else variants[::-1]):
                        for script, text in texts.get(name, {}).items():
                            served[script].write_text(text, encoding="utf-8")
                        module = "shards.js" if name is not None else "pagefind.js"
                        context = browser.new_context()  # nothing of the index cached
                        page = context.new_page()
                        requests: list[str] = []
                        page.on("request", lambda request, seen=requests: seen.append(request.url))
                        page.goto(f"{origins[path, server]}/{address}", wait_until="load")
                        before, loaded, asked = _chromium_cpu(), len(requests), len(answered)
                        milliseconds, count = page.evaluate(QUERY, [FIRST_WORD, True, module])
                        record = found[page_name][label]
                        record["cpu"].append((_chromium_cpu() - before) * 1000)
                        # what the page fetched from its load to the query's answer (its own script's too),
                        # and what of it the server answered (not the browser's cache)
                        record["requests"].append(len(requests) - loaded)
                        record["answered"].append(len(answered) - asked)
                        record["wall"].append(milliseconds)
                        record["results"] = count
                        context.close()
            browser.close()
    finally:
        for script, text in built.items():
            served[script].write_text(text, encoding="utf-8")
    for runs in found.values():
        for record in runs.values():
            walls, cpus = record.pop("wall"), record.pop("cpu")
            fetched, asked = record.pop("requests"), record.pop("answered")
            record.update(median_ms=statistics.median(walls), slowest_ms=max(walls), fastest_ms=min(walls),
                          cpu_ms=statistics.median(cpus), requests=statistics.median(fetched),
                          answered=statistics.median(asked), runs=len(walls))
    return found


def shard_count(site: Path) -> int:
    text = (site / "html" / "pagefind" / "shards.js").read_text(encoding="utf-8")
    return len(json.loads(next(line for line in text.splitlines() if line.startswith(_SHARDS_LINE))
                          [len(_SHARDS_LINE):].rstrip(";")))


def markdown(report: dict) -> str:
    names = report["modules"]
    lines = [f"## The first query through the API: before ({report['before']}) and after", "",
             f"{report['date']}; {report['machine']}; `python bench/firstquery.py` ({report['rounds']} fresh "
             f"contexts each, all taking turns). \"{FIRST_WORD}\" and the data of its first 10 results; wall ms "
             "median / fastest / slowest (the fastest: the run least slowed by other work on the machine), the "
             "median CPU ms of Chromium's processes during the query, and the requests the page made from its "
             "load event to the answer (the search page's own script's included) / those the server answered "
             "(the others: the browser's cache). Before and after: xslt/shards.js and xslt/search.js of each, "
             "over one build; one index: a build from before the index was sharded. "
             f"Target: {TARGET_MS} ms.", "",
             "| library | page | shards | " + " | ".join(names) + " |",
             "| --- | --- | ---: | " + " | ".join("---:" for _ in names) + " |"]
    for row in report["rows"]:
        cells = [f"{row['runs'][name]['median_ms']:.0f} / {row['runs'][name]['fastest_ms']:.0f} / "
                 f"{row['runs'][name]['slowest_ms']:.0f}, {row['runs'][name]['cpu_ms']:.0f} CPU, "
                 f"{row['runs'][name]['requests']:.0f} / {row['runs'][name].get('answered', 0):.0f} req."
                 if name in row["runs"] else "-" for name in names]
        lines.append(f"| {row['library']} | {row['page']} | {row['shards']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default=BEFORE, help=f"the revision whose xslt/shards.js is 'before' "
                                                         f"(default {BEFORE})")
    parser.add_argument("--rounds", type=int, default=9, help="fresh contexts for each version and page")
    parser.add_argument("--shards", default="", help="also the cold query over the index's volume shards "
                                                      "repeated to these counts, e.g. 4,16,64")
    parser.add_argument("--also", action="append", default=[], metavar="NAME=FILE",
                        help="another version of xslt/shards.js to serve in turn with the two (a trial; with "
                             "this tree's search.js)")
    parser.add_argument("--servers", default="site,plain",
                        help="how the sites are served, each in turn: site (as `teikit serve` does: "
                             "Cache-Control, Pagefind's gzip files as Content-Encoding: gzip), plain (as "
                             "Python's http.server does); default both")
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
        modules[name] = {"shards.js": Path(path).read_text(encoding="utf-8")}
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
    servers = [server for server in args.servers.split(",") if server]
    if not servers or set(servers) - set(SERVERS):
        parser.error(f"--servers: one or more of {', '.join(SERVERS)}")
    measured = measure(site, modules, pages, args.rounds, others, servers)
    if "skipped" in measured:
        print(f"bench/firstquery.py: {measured['skipped']}: skipped")
        return 0
    report["modules"] = [variant_name(name, server, servers) for name in [*modules, *others] for server in servers]
    for page, runs in measured.items():
        report["rows"].append({"library": library, "page": page, "shards": shard_count(site), "runs": runs})
    for count in [int(count) for count in args.shards.split(",") if count]:
        copy = shard_bench.replicate(site, site.parent / f"{site.name}-x{count}", count)
        runs = measure(copy, modules, {"cold (home page)": "html/index.html"}, args.rounds,
                       servers=servers)["cold (home page)"]
        report["rows"].append({"library": f"{library}, volume shards repeated", "page": "cold (home page)",
                               "shards": shard_count(copy), "runs": runs})
        shutil.rmtree(copy, ignore_errors=True)
    report["machine"] += f", {os.getloadavg()[0]:.1f} at the end"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "firstquery.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    text = markdown(report)
    (RESULTS / "firstquery.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
