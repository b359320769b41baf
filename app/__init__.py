"""Revenues Desk: council tax billing and recovery case work."""

__version__ = "0.1.0"
