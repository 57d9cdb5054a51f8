"""What the inputs of one build know of each other: the site they make together.

A build over the edition and any number of FRUS volumes writes one site. Each
document's transformation is told (stylesheet parameter ``t:site``, JSON) which
volumes are built with it and which of their documents get a page, so that a
pointer into a volume of the build (``frus1961-63v05#d183``) leads to the local
page and a pointer into any other volume, or to a document kept back, to
history.state.gov; and, for its own volume, which documents are kept back and
why (the contents page lists them with the reason).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from lxml import etree

from toolkit import frus


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
