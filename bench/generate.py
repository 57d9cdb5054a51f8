"""Generate a benchmark corpus: N distinct, valid variants of the telegram.

Every variant is the real document ``tei/frus1961-63v11-d256.xml`` with a
different document number: a different file name, TEI/@xml:id, telegram
number, FRUS document number, and every xml:id (and every internal ``#``
pointer to it) renamed consistently, so ids stay unique across the whole
corpus and no two files are byte-identical (nothing can be served from a
cache keyed on content or id). The shared authority file is copied once
beside them, so the ``authority.xml#...`` pointers resolve exactly as in the
edition. The result validates clean with ``teikit validate``.

    python bench/generate.py --count 1000 bench/corpus/n1000
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "tei" / "frus1961-63v11-d256.xml"
AUTHORITY = ROOT / "tei" / "authority.xml"
#: Document numbers start here: far from any real FRUS document number.
FIRST_NUMBER = 100_000

_TEMPLATE_NUMBER = "256"
_TEMPLATE_TELEGRAM = "2477"
_ID_ATTRIBUTE = re.compile(r'\bxml:id="([^"]*)"')
_POINTER_ATTRIBUTE = re.compile(r'\b(target|corresp|who|resp|ref)="([^"]*)"')


class Template:
    """The telegram, read once, ready to be stamped with a new document number."""

    def __init__(self, path: Path = TEMPLATE):
        self.text = path.read_text(encoding="utf-8")
        self.ids = _ID_ATTRIBUTE.findall(self.text)
        if len(set(self.ids)) != len(self.ids):
            raise ValueError(f"{path}: duplicate xml:id in the template")
        self.root_id = self.ids[0]
        if not self.root_id.endswith(f"-d{_TEMPLATE_NUMBER}"):
            raise ValueError(f"{path}: TEI/@xml:id {self.root_id!r} does not end in -d{_TEMPLATE_NUMBER}")

    def name(self, number: int) -> str:
        """The file name of variant ``number``, e.g. frus1961-63v11-d100042.xml."""
        return f"{self._root_id(number)}.xml"

    def _root_id(self, number: int) -> str:
        return self.root_id.removesuffix(_TEMPLATE_NUMBER) + str(number)

    def _id(self, identifier: str, number: int) -> str:
        if identifier == self.root_id:
            return self._root_id(number)
        old = f"d{_TEMPLATE_NUMBER}"
        if identifier == old or identifier.startswith(old + "-"):
            return f"d{number}" + identifier[len(old):]
        return f"d{number}-{identifier}"

    def render(self, number: int) -> str:
        """The text of variant ``number`` (ids, pointers and numbers renamed; prose untouched)."""
        mapping = {identifier: self._id(identifier, number) for identifier in self.ids}

        def rename_id(match: re.Match[str]) -> str:
            return f'xml:id="{mapping[match[1]]}"'

        def rename_pointers(match: re.Match[str]) -> str:
            tokens = [f"#{mapping.get(t[1:], t[1:])}" if t.startswith("#") else t for t in match[2].split()]
            return f'{match[1]}="{" ".join(tokens)}"'

        text = _ID_ATTRIBUTE.sub(rename_id, self.text)
        text = _POINTER_ATTRIBUTE.sub(rename_pointers, text)
        telegram = str(number)
        root = self._root_id(number)
        replacements = [
            (f'<idno type="telegram">{_TEMPLATE_TELEGRAM}</idno>', f'<idno type="telegram">{telegram}</idno>'),
            (f'<idno type="edition">{self.root_id}</idno>', f'<idno type="edition">{root}</idno>'),
            (f'n="{_TEMPLATE_NUMBER}">{_TEMPLATE_NUMBER}<', f'n="{number}">{number}<'),
            (f'n="{_TEMPLATE_NUMBER}"', f'n="{number}"'),
            (f"v11d{_TEMPLATE_NUMBER}<", f"v11d{number}<"),
            (f"/d{_TEMPLATE_NUMBER}<", f"/d{number}<"),
        ]
        for old, new in replacements:
            text = text.replace(old, new)
        return text


def generate(folder: Path, count: int, *, first: int = FIRST_NUMBER) -> list[Path]:
    """Write ``count`` variants and authority.xml into ``folder`` (emptied first); return the variants."""
    if count < 1:
        raise ValueError("count must be 1 or more")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shutil.copyfile(AUTHORITY, folder / AUTHORITY.name)
    template = Template()
    paths = []
    for number in range(first, first + count):
        path = folder / template.name(number)
        path.write_text(template.render(number), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="where to write the corpus (emptied first)")
    parser.add_argument("--count", type=int, required=True, help="how many documents")
    parser.add_argument("--first", type=int, default=FIRST_NUMBER, help=f"first document number ({FIRST_NUMBER})")
    args = parser.parse_args(argv)
    paths = generate(args.folder, args.count, first=args.first)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} documents ({size / 1e6:.1f} MB) + authority.xml in {args.folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
