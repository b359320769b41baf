"""Revenues Desk: council tax billing and recovery case work."""

# The one place the version is written: pyproject.toml reads it (setuptools' dynamic version),
# and `revdesk --version`, the About box and the installer's build name read it from here, so
# a frozen build, which carries no package metadata, says the same as an installed one.
__version__ = "0.1.0"
