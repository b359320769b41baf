"""Account references: 8 digits plus a modulus-11 check digit (9 characters).

A check digit catches the typing errors officers make most (one wrong digit, two digits
swapped). Weights 9..2 over the 8 digits; check = (11 - sum mod 11) mod 11, with a
result of 10 written as 0, as many council systems do (so the rare error that moves the
remainder between 0 and 10 goes unnoticed). Imported references are kept as given.
"""

from __future__ import annotations

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)


def check_digit(base: str) -> str:
    if len(base) != 8 or not base.isdigit():
        raise ValueError(f"'{base}' must be 8 digits")
    total = sum(int(d) * w for d, w in zip(base, WEIGHTS, strict=True))
    return str(((11 - total % 11) % 11) % 10)


def make_reference(number: int) -> str:
    """The reference for serial `number` (0 <= number < 10**8)."""
    if not 0 <= number < 10**8:
        raise ValueError("account serial out of range")
    base = f"{number:08d}"
    return base + check_digit(base)
