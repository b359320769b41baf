"""Dialogs: the database password prompt and the demo data offer."""
