"""The XSLT 3.0 stylesheets and the pages' CSS and JavaScript, as package data.

Not Python: this file makes the folder the package ``toolkit.xslt`` in an
installed wheel (pyproject.toml maps it there), so :mod:`toolkit.paths` finds
it through importlib.resources in editable and regular installs alike.
"""
