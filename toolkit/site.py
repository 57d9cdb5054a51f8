"""What the inputs of one build know of each other: the site they make together.

A build over the edition and any number of FRUS volumes writes one site. Each
document's transformation is told (stylesheet parameter ``t:site``, JSON) which
volumes are built with it and which of their documents get a page, so that a
pointer into a volume of the build (``frus1961-63v05#d183``) leads to the local
page and a pointer into any other volume, or to a document kept back, to
history.state.gov; and, for its own volume, which documents are kept back and
why (the contents page lists them with the reason).

The survey (:func:`survey`) reads every input in the parent, before the
workers start, and parses those that may be FRUS volumes (``type="frus"``);
a volume's documents kept back are known only to the worker that validated
it, which adds them to its own transformation's ``t:site``
(:func:`with_withheld`). So each transformation also records which documents
of the build's volumes its pages link, and whether each had a page in the
``t:site`` it was given (:func:`links`); when every input is built, the build
settles the site (:func:`settled`: a volume that published nothing is left
out, one published in part loses the documents it kept back) and transforms
again the few inputs whose links it changed (:func:`changed`). A pointer to a
document that is not published thus leads where it would if its volume were
not in the build: history.state.gov (docs/outputs.md).
"""

from __future__ import annotations

import json
import re
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
    #: Which input file is which volume (the survey's; not part of ``t:site``).
    volume_of: dict[Path, str] = field(default_factory=dict)

    def add_volume(self, root: etree._Element, withheld: dict[str, str]) -> None:
        volume = frus.volume_id(root)
        if volume is None:
            return
        self.published[volume] = [identifier for identifier in frus.document_ids(root) if identifier not in withheld]
        if withheld:
            self.withheld[volume] = dict(withheld)

    def pages(self) -> dict[str, set[str]]:
        """Each volume's documents with a page, as sets (what :func:`changed` asks)."""
        return _pages(self.published)

    def as_json(self) -> str:
        """The ``t:site`` parameter: ``{"volumes": {id: [document ids]}, "withheld": {id: {document: reason}}}``."""
        return json.dumps({"volumes": self.published, "withheld": self.withheld}, ensure_ascii=False,
                          separators=(",", ":"), sort_keys=True)


#: What every FRUS volume the site knows has (its id is its ``idno type="frus"``): a file without it is
#: not parsed by the survey (a parse of every input in the parent cost 0.16 s for 200 small documents).
_MAY_BE_VOLUME = re.compile(rb"""type\s*=\s*["']frus["']""")


def survey(paths: list[Path]) -> Site:
    """The FRUS volumes among ``paths`` and their documents (a file that does not parse is left out:
    validation reports it)."""
    from toolkit import kinds
    from toolkit.xmlio import parse_document

    found = Site()
    for path in paths:
        try:
            data = path.read_bytes()
            if b"\0" not in data[:4] and not _MAY_BE_VOLUME.search(data):
                continue  # no idno type="frus" (and not UTF-16 or -32): not a volume the site knows by its id
            document = parse_document(path)
        except (ToolkitError, OSError):
            continue
        if kinds.detect(document.root).name == frus.KIND.name:
            found.add_volume(document.root, {})
            volume = frus.volume_id(document.root)
            if volume is not None:
                found.volume_of[path] = volume
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


def settled(surveyed: Site, outcomes: dict[Path, dict[str, str] | None]) -> Site:
    """The site as the build published it: ``outcomes`` says, for each input file that was built, None
    when it published nothing (a volume kept back whole, or failed) or the documents it kept back."""
    final = Site({volume: list(documents) for volume, documents in surveyed.published.items()},
                 {volume: dict(reasons) for volume, reasons in surveyed.withheld.items()}, dict(surveyed.volume_of))
    for path, volume in surveyed.volume_of.items():
        if path not in outcomes or volume not in final.published:
            continue
        withheld = outcomes[path]
        if withheld is None:
            del final.published[volume]
            final.withheld.pop(volume, None)
        elif withheld:
            final.published[volume] = [identifier for identifier in final.published[volume] if identifier not in withheld]
            final.withheld[volume] = dict(withheld)
    return final


def _pages(volumes: dict[str, list[str]]) -> dict[str, set[str]]:
    return {volume: set(documents) for volume, documents in volumes.items()}


def _answers(names: list[tuple[str, str]], pages: dict[str, set[str]]) -> dict[str, bool]:
    """For each (volume, document) pointed to, in a volume of ``pages``: has it a page? (The document
    "" is the volume itself: its contents page.)"""
    return {f"{volume}#{document}" if document else volume: not document or document in pages[volume]
            for volume, document in names if volume in pages}


def links(pointers: dict[str, tuple[str, str, str]], site_json: str) -> dict[str, bool]:
    """What of ``t:site`` the pages of a document depend on: for each volume of the build and document
    of it that its pointers name (``t:pointers``' publications), whether the site it was transformed
    with gave it a page (``{"frus1961-63v06#d66": true}``). Empty for most documents."""
    named = [(volume, document) for where, volume, document in pointers.values() if where == "publication"]
    if not named:
        return {}
    return _answers(named, _pages(json.loads(site_json or "{}").get("volumes", {})))


def changed(recorded: dict[str, bool], pages: dict[str, set[str]]) -> bool:
    """Whether pages transformed with the answers ``recorded`` (:func:`links`) would link otherwise in
    the site whose documents with a page are ``pages`` (:meth:`Site.pages`): a document they link
    locally that is not published after all, or the other way."""
    if not recorded:
        return False
    names = [tuple(name.split("#", 1)) if "#" in name else (name, "") for name in recorded]
    now = _answers(names, pages)
    return any(now.get(name, False) != answer for name, answer in recorded.items())
