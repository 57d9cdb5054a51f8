"""Toolkit for the Telegram 2477 TEI edition: validate the encoding, publish it.

The command line (``teikit`` / ``python -m toolkit``) lives in :mod:`toolkit.cli`;
each job has a module of its own: :mod:`toolkit.xmlio` (safe parsing, atomic
writes), :mod:`toolkit.validate` (RELAX NG, Schematron, references),
:mod:`toolkit.transform` and :mod:`toolkit.build` (XSLT outputs).
"""

__version__ = "0.1.0"
