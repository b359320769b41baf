"""Recovering unpaid council tax: the recovery run, holds, arrangements and, after a liability order, enforcement."""
