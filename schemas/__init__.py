"""The RELAX NG grammars and Schematron rules, as package data.

Not Python: this file makes the folder the package ``toolkit.schemas`` in an
installed wheel (pyproject.toml maps it there), so :mod:`toolkit.paths` finds
it through importlib.resources in editable and regular installs alike.
"""
