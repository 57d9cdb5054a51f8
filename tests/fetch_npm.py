"""Fetch a pinned npm package's file that the tests drive (`make axe`, `make citeproc-js`).

    python tests/fetch_npm.py PACKAGE [DEST]

PACKAGE is one of :data:`PINNED`: axe-core (injected into the pages by the
accessibility test) or citeproc (citeproc-js, the CSL engine inside Zotero and
Mendeley, run with Node by tests/test_citeproc_js.py). DEST defaults to
``.cache/<package>/<file>``.

With npm on PATH, `npm pack PACKAGE@VERSION`; without it (a CI machine has
Python but maybe no Node), the same tarball straight from the registry. Either
way the tarball must match the registry's pinned sha512 integrity before the
one file is extracted (written atomically). Exit 1 when it cannot be fetched;
the tests that need it then skip (fail under CI). Never committed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

CACHE = Path(__file__).resolve().parent.parent / ".cache"


@dataclass(frozen=True)
class Pinned:
    version: str
    #: `npm view PACKAGE@VERSION dist.integrity`
    integrity: str
    #: The one file the tests need, inside the tarball.
    member: str

    def default_dest(self, package: str) -> Path:
        return CACHE / package / Path(self.member).name


PINNED = {
    "axe-core": Pinned("4.14.1", "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
                       "package/axe.min.js"),
    "citeproc": Pinned("2.4.63", "sha512-68F95Bp4UbgZU/DBUGQn0qV3HDZLCdI9+Bb2ByrTaNJDL5VEm9LqaiNaxljsvoaExSLEXe1/r6n2Z06SCzW3/Q==",
                       "package/citeproc_commonjs.js"),
}


def _tarball(package: str, version: str) -> bytes:
    npm = shutil.which("npm")
    if npm:
        with tempfile.TemporaryDirectory() as folder:
            subprocess.run([npm, "pack", "--silent", f"{package}@{version}"], cwd=folder, check=True,
                           stdout=subprocess.DEVNULL, timeout=300)
            return (Path(folder) / f"{package}-{version}.tgz").read_bytes()
    url = f"https://registry.npmjs.org/{package}/-/{package}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read()


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in PINNED:
        print(f"usage: fetch_npm.py {{{','.join(PINNED)}}} [DEST]", file=sys.stderr)
        return 2
    package, pinned = argv[0], PINNED[argv[0]]
    dest = Path(argv[1]) if len(argv) > 1 else pinned.default_dest(package)
    try:
        data = _tarball(package, pinned.version)
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"fetch_npm: cannot fetch {package} {pinned.version} from the npm registry: {exc}", file=sys.stderr)
        return 1
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    if digest != pinned.integrity:
        print(f"fetch_npm: {package}-{pinned.version}.tgz does not match its pinned integrity {pinned.integrity}",
              file=sys.stderr)
        return 1
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        content = archive.extractfile(pinned.member).read()
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".part")
    partial.write_bytes(content)
    partial.replace(dest)
    print(f"fetch_npm: {package} {pinned.version} -> {dest}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
