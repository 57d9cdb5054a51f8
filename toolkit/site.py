"""What the inputs of one build know of each other: the site they make together.

A build over the edition and any number of FRUS volumes writes one site. Each
document's transformation is told (stylesheet parameter ``t:site``, JSON) which
volumes are built with it and which of their documents get a page, so that a
pointer into a volume of the build (``frus1961-63v05#d183``) leads to the local
page and a pointer into any other volume, or to a document kept back, to
history.state.gov; and, for its own volume, which documents are kept back and
why (the contents page lists them with the reason).

The survey (:func:`survey`) reads every input once in the parent, before the
workers start; a volume's documents kept back are known only to the worker
that validated it, which adds them to its own transformation's ``t:site``
(:func:`with_withheld`). So a link from *another* volume to a document kept
back leads to the local page it would have had (docs/outputs.md says so).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pathlib import Path

from lxml import etree

from toolkit.kinds import frus
from toolkit.errors import ToolkitError


@dataclass
class Site:
    """The FRUS volumes a build publishes: volume id -> documents with a page, and those kept back."""

    published: dict[str, list[str]] = field(default_factory=dict)
    withheld: dict[str, dict[str, str]] = field(default_factory=dict)

    def add_volume(self, root: etree._Element, withheld: dict[str, str]) -> None:
        volume = frus.volume_id(root)
        if volume is None:
            return
        self.published[volume] = [identifier for identifier in frus.document_ids(root) if identifier not in withheld]
        if withheld:
            self.withheld[volume] = dict(withheld)

    def as_json(self) -> str:
        """The ``t:site`` parameter: ``{"volumes": {id: [document ids]}, "withheld": {id: {document: reason}}}``."""
        return json.dumps({"volumes": self.published, "withheld": self.withheld}, ensure_ascii=False,
                          separators=(",", ":"), sort_keys=True)


def survey(paths: list[Path]) -> Site:
    """The FRUS volumes among ``paths`` and their documents (a file that does not parse is left out:
    validation reports it)."""
    from toolkit import kinds
    from toolkit.xmlio import parse_document

    found = Site()
    for path in paths:
        try:
            document = parse_document(path)
        except (ToolkitError, OSError):
            continue
        if kinds.detect(document.root).name == frus.KIND.name:
            found.add_volume(document.root, {})
    return found


def with_withheld(site_json: str, root: etree._Element, withheld: dict[str, str]) -> str:
    """``site_json`` told that the volume ``root`` is published without the documents ``withheld``."""
    data = json.loads(site_json or "{}")
    volume = frus.volume_id(root)
    if volume is None:
        return site_json
    data.setdefault("withheld", {})[volume] = dict(withheld)
    published = data.setdefault("volumes", {}).get(volume)
    if published is not None:
        data["volumes"][volume] = [identifier for identifier in published if identifier not in withheld]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
