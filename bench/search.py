"""Search at library scale: the Pagefind index of the edition with the FRUS volumes of ../shared/frus/.

Builds the edition (``tei/``) with every volume of ``../shared/frus/`` (skipped
with a line when that folder is absent) into ``bench/corpus/search-site/``
(gitignored), with ``--no-validate`` so that every document of every volume is
published and indexed whatever its findings, and measures:

* what search adds to a full build: ``teikit build`` of all outputs with the
  index and with ``--no-search`` (subprocesses, best of ``--repeat``; wall and
  CPU seconds, user + system of the command and every process it waited for,
  the Pagefind binary included);
* the index build alone: :func:`toolkit.search.write_index` over the built
  pages, in a subprocess (wall, CPU);
* the index's size against the text it indexes: the index's data (fragments,
  word index, filters, metadata) against the bytes of UTF-8 text Pagefind read
  from the pages (the ``content`` of every fragment, read back), and
  Pagefind's fixed files (its scripts and WebAssembly) apart; target 1.5x;
* query times in headless Chromium over loopback (the site served on
  127.0.0.1, Debian's Chromium driven by Playwright as in the tests): the
  first query of a fresh browser context through the API (loading
  ``pagefind.js``, its WebAssembly, the metadata and the index chunks the
  words need, then the data of the first 10 results), made on the search page
  right after it loaded (its own script is opening the index meanwhile) and
  cold, from the home page (no search script); the first query on the
  search page, whose script loads the index with the page (submit to results
  listed); and later queries of other words in the same page (search + data
  of their first 10 results); the median and the slowest; targets 300 ms and
  100 ms.

Results: bench/results/search.md and search.json (``--tree DIR``: another
source tree, a ``git archive`` of an earlier commit, run with this venv, for a
before / after in one run: search-DIR.md and .json).

    python bench/search.py [--repeat 2] [--tree DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from measure import SHARED, run  # noqa: E402  (bench/measure.py: what the benchmarks share)
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

SITE = ROOT / "bench" / "corpus" / "search-site"
RESULTS = ROOT / "bench" / "results"
#: The words of the later queries: names, places and things of the volumes.
LATER_WORDS = ["Khrushchev", "Cuba", "missiles", "Berlin", "Castro", "Zorin", "Rusk", "Thant", "blockade",
               "Dobrynin", "Gromyko", "Turkey", "quarantine", "inspection", "letter"]
FIRST_WORD = "Kuznetsov"
TARGETS = {"ratio": 1.5, "first_ms": 300, "later_ms": 100, "added": 0.25}



def build(inputs: list[Path], search: bool, repeat: int, tree: Path = ROOT) -> dict:
    best = {"wall": float("inf"), "cpu": float("inf")}
    for _ in range(repeat):
        shutil.rmtree(SITE, ignore_errors=True)
        command = [sys.executable, "-m", "toolkit", "build", "--no-validate", "--out", str(SITE), *map(str, inputs)]
        wall, cpu, stderr = run(command + ([] if search else ["--no-search"]), cwd=tree)
        best = {"wall": min(best["wall"], wall), "cpu": min(best["cpu"], cpu), "summary": stderr.strip().splitlines()[-1]}
    return best


def index_alone(repeat: int, tree: Path = ROOT) -> dict:
    """write_index over the built pages, in a subprocess of its own."""
    script = ("import sys; from pathlib import Path; from toolkit import search; "
              "html = Path(sys.argv[1]); "
              "pages = {p.relative_to(html).as_posix(): p for p in html.rglob('*.html') "
              "if p.relative_to(html).parts[0] not in ('pagefind', 'search')}; "
              "r = search.write_index(pages, Path(sys.argv[2])); print(r.pages, r.left_out, file=sys.stderr)")
    best = {"wall": float("inf"), "cpu": float("inf")}
    for _ in range(repeat):
        target = ROOT / "bench" / "corpus" / "search-index"
        shutil.rmtree(target, ignore_errors=True)
        wall, cpu, stderr = run([sys.executable, "-c", script, str(SITE / "html"), str(target)], cwd=tree)
        pages, left_out = map(int, stderr.split()[-2:])
        best = {"wall": min(best["wall"], wall), "cpu": min(best["cpu"], cpu), "pages": pages, "left_out": left_out}
        shutil.rmtree(target, ignore_errors=True)
    return best


def sizes() -> dict:
    index = SITE / "html" / "pagefind"
    text = 0
    fragments = 0
    for path in [*(index / "fragment").iterdir(), *index.glob("shards/*/fragment/*")]:  # every shard's
        record = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
        text += len(record["content"].encode("utf-8"))
        fragments += 1
    def fixed_file(path: Path) -> bool:  # Pagefind's scripts, styles and WebAssembly (each shard's too), ours
        return path.suffix in (".js", ".css") and path.name != "dates.js" or path.name.startswith("wasm.")

    data = sum(path.stat().st_size for path in index.rglob("*") if path.is_file() and not fixed_file(path))
    fixed = sum(path.stat().st_size for path in index.rglob("*") if path.is_file() and fixed_file(path))
    pages = sum(path.stat().st_size for path in (SITE / "html").rglob("*.html")
                if path.relative_to(SITE / "html").parts[0] not in ("pagefind", "search"))
    return {"pages": fragments, "text_bytes": text, "index_bytes": data, "fixed_bytes": fixed,
            "html_bytes": pages, "ratio": data / text if text else 0.0}


QUERY = """async ([words, first, module]) => {
  const started = performance.now();
  if (first) {
    window.pf = await import('/html/pagefind/' + module);
    await window.pf.options({highlightParam: 'find'});
  }
  const search = await window.pf.search(words);
  await Promise.all(search.results.slice(0, 10).map(r => r.data()));
  return [performance.now() - started, search.results.length];
}"""


# Through the search page: its script has loaded the index (pagefind.js, filters) with the page; the
# time from the form's submission to the results listed with their excerpts.
PAGE_QUERY = """async (words) => {
  const status = document.getElementById('search-status');
  const started = performance.now();
  document.getElementById('search-q').value = words;
  document.querySelector('form.search-form').requestSubmit();
  await new Promise(done => { const look = () => / found/.test(status.textContent) ? done() : setTimeout(look, 2); look(); });
  return performance.now() - started;
}"""


def queries(repeat: int, site: Path = SITE) -> dict:
    """Query times over the site in ``site``: through the index's shards (html/pagefind/shards.js), or
    Pagefind's pagefind.js where there are none (an index made before it was sharded)."""
    from playwright.sync_api import sync_playwright

    from browser_support import find_chromium, launch, serve

    chromium = find_chromium()
    if chromium is None:
        return {"skipped": "Chromium is not installed"}
    firsts, later, counts, on_page, ready, cold = [], [], {}, [], [], []
    module = "shards.js" if (site / "html" / "pagefind" / "shards.js").is_file() else "pagefind.js"
    with serve(site) as origin, sync_playwright() as playwright:
        browser = launch(playwright, chromium)
        for _ in range(max(repeat, 3)):
            context = browser.new_context()  # a fresh context: nothing of the index cached
            page = context.new_page()
            page.goto(f"{origin}/html/search/index.html", wait_until="load")
            milliseconds, counts[FIRST_WORD] = page.evaluate(QUERY, [FIRST_WORD, True, module])
            firsts.append(milliseconds)
            for words in LATER_WORDS:
                milliseconds, counts[words] = page.evaluate(QUERY, [words, False, module])
                later.append(milliseconds)
            context.close()
            # cold: from the home page, which has no search script: nothing of Pagefind loaded before the query
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{origin}/html/index.html", wait_until="load")
            cold.append(page.evaluate(QUERY, [FIRST_WORD, True, module])[0])
            context.close()
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{origin}/html/search/index.html", wait_until="load")
            page.wait_for_selector("body.search-ready")
            # from the page's request to its script ready to search (the index's filters loaded, the form set up)
            ready.append(page.evaluate("performance.now()"))
            on_page.append(page.evaluate(PAGE_QUERY, FIRST_WORD))
            context.close()
        browser.close()
    return {"first_ms": statistics.median(firsts), "first_max_ms": max(firsts),
            "cold_first_ms": statistics.median(cold), "cold_first_max_ms": max(cold),
            "page_first_ms": statistics.median(on_page), "page_first_max_ms": max(on_page),
            "page_ready_ms": statistics.median(ready), "page_ready_max_ms": max(ready),
            "later_ms": statistics.median(later), "later_max_ms": max(later), "results": counts,
            "queries": len(later)}


def markdown(report: dict) -> str:
    size, search, no_search, alone, query = (report[key] for key in ("sizes", "with_search", "without_search",
                                                                     "index_alone", "queries"))
    added_wall = search["wall"] / no_search["wall"] - 1
    added_cpu = search["cpu"] / no_search["cpu"] - 1
    lines = [
        "# Search at library scale (bench/search.py)", "",
        f"Inputs: {', '.join(report['inputs'])}; {size['pages']} document pages indexed, "
        f"{size['html_bytes'] / 1e6:.1f} MB of HTML; {report['tree']}. {report['machine']}.", "",
        "| measure | value | target |", "| --- | ---: | ---: |",
        f"| full build, all outputs, with the index: wall / CPU s | {search['wall']:.1f} / {search['cpu']:.1f} | |",
        f"| the same with `--no-search`: wall / CPU s | {no_search['wall']:.1f} / {no_search['cpu']:.1f} | |",
        f"| what search adds to the build: wall / CPU | {added_wall:+.0%} / {added_cpu:+.0%} | ≤ +25 % |",
        f"| index build alone ({alone['pages']} document pages; {alone['left_out']} other pages read and "
        f"left out): wall / CPU s "
        f"| {alone['wall']:.1f} / {alone['cpu']:.1f} | |",
        f"| text indexed (UTF-8) | {size['text_bytes'] / 1e6:.2f} MB | |",
        f"| index data (fragments, word index, filters, metadata) | {size['index_bytes'] / 1e6:.2f} MB | |",
        f"| index data / text | {size['ratio']:.2f}× | ≤ 1.5× |",
        f"| Pagefind's fixed files (scripts, WebAssembly, its own UI) | {size['fixed_bytes'] / 1e6:.2f} MB | |",
    ]
    if "skipped" in query:
        lines.append(f"| queries in Chromium | skipped: {query['skipped']} | |")
    else:
        lines += [
            f"| first query, fresh context (\"{FIRST_WORD}\", {query['results'][FIRST_WORD]} results): "
            f"median / slowest ms | {query['first_ms']:.0f} / {query['first_max_ms']:.0f} | ≤ 300 |",
            f"| the same first query cold, from a page with no search script (the home page): median / slowest ms "
            f"| {query['cold_first_ms']:.0f} / {query['cold_first_max_ms']:.0f} | |",
            f"| first query on the search page (its script loaded the index with the page): submit to "
            f"results listed, median / slowest ms | {query['page_first_ms']:.0f} / {query['page_first_max_ms']:.0f} "
            f"| ≤ 300 |",
            f"| the search page from its request to its script ready (the index's filters loaded): median / slowest ms "
            f"| {query['page_ready_ms']:.0f} / {query['page_ready_max_ms']:.0f} | |",
            f"| later queries ({query['queries']}, {len(LATER_WORDS)} words): median / slowest ms "
            f"| {query['later_ms']:.0f} / {query['later_max_ms']:.0f} | ≤ 100 |",
        ]
    return "\n".join(lines) + "\n"


def machine() -> str:
    import platform

    cores = os.cpu_count()
    load = os.getloadavg()[0]
    return (f"{cores} CPUs, Linux {platform.release()}, Python {platform.python_version()}; "
            f"load average {load:.1f} at the start (other work on the machine: compare CPU seconds, not wall)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--tree", type=Path, default=ROOT,
                        help="the source tree to measure (default: this one; a `git archive` of another commit), "
                             "run with this venv; results in search-TREE.md / .json")
    args = parser.parse_args(argv)
    tree = args.tree.resolve()
    volumes = sorted(SHARED.glob("*.xml"))
    if not volumes:
        print(f"bench/search.py: {SHARED} is absent: no library to index, skipped")
        return 0
    inputs = [ROOT / "tei", *volumes]
    report = {"inputs": ["tei/", *(path.name for path in volumes)], "machine": machine()}
    report["tree"] = "this tree" if tree == ROOT else f"the tree {tree.name}"
    report["without_search"] = build(inputs, False, args.repeat, tree)
    report["with_search"] = build(inputs, True, args.repeat, tree)
    report["sizes"] = sizes()
    report["index_alone"] = index_alone(args.repeat, tree)
    report["queries"] = queries(args.repeat)
    RESULTS.mkdir(exist_ok=True)
    name = "search" if tree == ROOT else f"search-{tree.name}"
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    text = markdown(report)
    (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
