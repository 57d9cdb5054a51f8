"""Fetch the pinned axe-core from the npm registry (`make axe`).

    python tests/fetch_axe.py [DEST]      (default DEST: .cache/axe-core/axe.min.js)

With npm on PATH, `npm pack axe-core@VERSION`; without it (a CI machine has
Python but maybe no Node), the same tarball straight from the registry. Either
way the tarball must match the registry's pinned sha512 integrity before
package/axe.min.js is extracted (written atomically). Exit 1 when it cannot
be fetched; the accessibility test then skips (fails under CI).
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
from pathlib import Path

VERSION = "4.14.1"
TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
# `npm view axe-core@4.14.1 dist.integrity`
INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
DEFAULT_DEST = Path(__file__).resolve().parent.parent / ".cache" / "axe-core" / "axe.min.js"


def _tarball() -> bytes:
    npm = shutil.which("npm")
    if npm:
        with tempfile.TemporaryDirectory() as folder:
            subprocess.run([npm, "pack", "--silent", f"axe-core@{VERSION}"], cwd=folder, check=True,
                           stdout=subprocess.DEVNULL, timeout=300)
            return (Path(folder) / f"axe-core-{VERSION}.tgz").read_bytes()
    with urllib.request.urlopen(TARBALL, timeout=120) as response:
        return response.read()


def main(argv: list[str]) -> int:
    dest = Path(argv[0]) if argv else DEFAULT_DEST
    try:
        data = _tarball()
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"fetch_axe: cannot fetch axe-core {VERSION} from the npm registry: {exc}", file=sys.stderr)
        return 1
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    if digest != INTEGRITY:
        print(f"fetch_axe: axe-core-{VERSION}.tgz does not match its pinned integrity {INTEGRITY}", file=sys.stderr)
        return 1
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        script = archive.extractfile("package/axe.min.js").read()
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".part")
    partial.write_bytes(script)
    partial.replace(dest)
    print(f"fetch_axe: axe-core {VERSION} -> {dest}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
