"""Allocating a payment to the years it pays (council practice: oldest debt first).

A payment is split across financial years: each year's outstanding balance is paid off
oldest first, and whatever is left (an overpayment) sits in `fallback_year`, usually the
year the payment was received in, as a credit.
"""

from __future__ import annotations


def allocate_oldest_first(outstanding: dict[int, int], amount_pence: int, fallback_year: int) -> list[tuple[int, int]]:
    """[(year, pence)] summing to `amount_pence`; `outstanding` maps year -> pence owed."""
    parts: list[tuple[int, int]] = []
    left = amount_pence
    for year in sorted(outstanding):
        owed = outstanding[year]
        if left <= 0:
            break
        if owed <= 0:
            continue
        take = min(owed, left)
        parts.append((year, take))
        left -= take
    if left > 0:
        for i, (year, pence) in enumerate(parts):
            if year == fallback_year:
                parts[i] = (year, pence + left)
                break
        else:
            parts.append((fallback_year, left))
    return parts
