"""Merge data for letter tests, in the shape the billing service produces: the specimen
notice `revdesk --self-test` renders too (app/letters/specimen.py)."""

from __future__ import annotations

from app.letters.specimen import specimen_notice as notice_data

__all__ = ["notice_data"]
