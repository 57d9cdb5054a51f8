"""What the registers and the chronology add to a full build of a library.

Builds the edition (``tei/``) with every volume of ``../shared/frus/`` (skipped
with a line when that folder is absent) into ``bench/corpus/library-site/``
(gitignored), ``--no-validate`` (every document published, as bench/search.py
does) and ``--no-search`` (search is bench/search.py's), twice over:

* **with** the registers and the chronology, as ``teikit build`` makes them:
  each page's transformation returns its record (xslt/library.xsl,
  ``t:library-record``), and the build merges the records and writes the
  register, chronology and JSON files and the report (toolkit/library.py);
* **without**: the same command with ``t:library-record`` returning an empty
  record (a copy of xslt/library.xsl in bench/corpus/, registered in place of
  the html format's module, in the parent and so in every worker), so that no
  name is collected and the site-wide pages are empty.

Both as subprocesses, best of ``--repeat``; wall and CPU seconds (user + system
of the command and every process it waited for). The difference is what the
registers and chronology cost; the target, with search, is at most 25 % of the
full build (bench/search.py measures search's share). Also: the number of
register entries, merges and near misses the report counts. Results:
bench/results/library.md and library.json.

    python bench/library.py [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from measure import SHARED, run  # noqa: E402  (bench/measure.py: what the benchmarks share)
CORPUS = ROOT / "bench" / "corpus"
SITE = CORPUS / "library-site"
RESULTS = ROOT / "bench" / "results"

# Run in the subprocess: the html format with library.xsl's record made empty, then the command line.
WITHOUT = """
import sys
from pathlib import Path
from toolkit import cli, formats
from toolkit.paths import XSLT_DIR
html = formats.get("html")
empty = Path(sys.argv[1])
formats.register(formats.Format(html.name, html.description,
                                tuple(empty if module.name == "library.xsl" else module for module in html.modules),
                                html.function, html.binary, html.assemble))
sys.exit(cli.main(sys.argv[2:]))
"""


def empty_library_module() -> Path:
    """A copy of xslt/library.xsl whose t:library-record returns an empty <t:record/>."""
    text = (ROOT / "xslt" / "library.xsl").read_text(encoding="utf-8")
    start = text.index('<xsl:function name="t:library-record"')
    end = text.index("</xsl:function>", start) + len("</xsl:function>")
    replacement = ('<xsl:function name="t:library-record" as="element(t:record)">\n'
                   '    <xsl:param name="root" as="document-node()"/>\n'
                   '    <xsl:param name="card" as="element(t:card)"/>\n'
                   '    <t:record/>\n  </xsl:function>')
    target = CORPUS / "library-off" / "library.xsl"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text[:start] + replacement + text[end:], encoding="utf-8")
    return target



def build(inputs: list[Path], with_library: bool, repeat: int, module: Path) -> dict:
    arguments = ["build", "--no-validate", "--no-search", "--out", str(SITE), *map(str, inputs)]
    if with_library:
        command = [sys.executable, "-m", "toolkit", *arguments]
    else:
        command = [sys.executable, "-c", WITHOUT, str(module), *arguments]
    best = {"wall": float("inf"), "cpu": float("inf")}
    for _ in range(repeat):
        shutil.rmtree(SITE, ignore_errors=True)
        wall, cpu, stderr = run(command)
        best = {"wall": min(best["wall"], wall), "cpu": min(best["cpu"], cpu),
                "summary": stderr.strip().splitlines()[-1]}
    return best


def counts() -> dict:
    """What the last build's registers hold, from its report and pages."""
    report = (SITE / "registers-report.txt").read_text(encoding="utf-8")
    found = {}
    for folder, entries, records, merged, misses in re.findall(
            r"^(\w+): (\d+) entries from (\d+) records; (\d+) merged; (\d+) near misses", report, re.M):
        found[folder] = {"entries": int(entries), "records": int(records), "merged": int(merged),
                         "near_misses": int(misses)}
    found["chronology_pages"] = len(list((SITE / "html" / "chronology").glob("*.html")))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    volumes = sorted(SHARED.glob("frus*.xml"))
    if not volumes:
        print(f"bench/library.py: {SHARED} is absent: nothing to measure")
        return 0
    inputs = [ROOT / "tei", *volumes]
    module = empty_library_module()
    without = build(inputs, False, args.repeat, module)
    with_library = build(inputs, True, args.repeat, module)
    found = counts()
    added = with_library["cpu"] / without["cpu"] - 1
    result = {"inputs": [path.name for path in inputs], "jobs": os.cpu_count(), "without": without,
              "with": with_library, "added_cpu": added, "registers": found}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "library.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    persons = found.get("persons", {})
    lines = [
        "# Registers and chronology: what they add to a full build",
        "",
        f"Inputs: the edition (`tei/`) and {', '.join(path.name for path in volumes)}; "
        f"`teikit build --no-validate --no-search`, {os.cpu_count()} CPUs, best of {args.repeat}.",
        "",
        "| build | wall s | CPU s |",
        "| --- | ---: | ---: |",
        f"| without registers and chronology | {without['wall']:.1f} | {without['cpu']:.1f} |",
        f"| with them (as `teikit build` does) | {with_library['wall']:.1f} | {with_library['cpu']:.1f} |",
        f"| added | {with_library['wall'] - without['wall']:+.1f} | {with_library['cpu'] - without['cpu']:+.1f} "
        f"({added:+.1%}) |",
        "",
        f"Persons: {persons.get('entries')} entries from {persons.get('records')} records, "
        f"{persons.get('merged')} merged across sources, {persons.get('near_misses')} near misses reported; "
        f"{found['chronology_pages']} chronology pages.",
        "",
    ]
    (RESULTS / "library.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
