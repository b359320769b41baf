"""Valuation bands and the annual charge per band (LGFA 1992 s5).

The charge for a band is the Band D amount for the property's parish times the band's
ratio (A 6/9 ... H 18/9; Wales also I 21/9). A disabled band reduction charges the band
below; band A then pays 5/9 of Band D (Council Tax (Reductions for Disabilities)
Regulations 1992, reg 4). Results are rounded to the nearest penny, halves up.
"""

from __future__ import annotations

from fractions import Fraction

BAND_NINTHS: dict[str, int] = {"A": 6, "B": 7, "C": 8, "D": 9, "E": 11, "F": 13, "G": 15, "H": 18, "I": 21}
DISABLED_BAND_A_NINTHS = 5


class BandError(ValueError):
    pass


def check_band(band: str, country: str = "england") -> str:
    code = band.strip().upper()
    if code not in BAND_NINTHS or (code == "I" and country != "wales"):
        allowed = "A–I" if country == "wales" else "A–H"
        raise BandError(f"'{band}' is not a valuation band ({allowed}).")
    return code


def band_ninths(band: str, disabled_reduction: bool = False) -> int:
    """The band's ratio to Band D in ninths, after any disabled band reduction."""
    code = band.upper()
    if code not in BAND_NINTHS:
        raise BandError(f"'{band}' is not a valuation band.")
    if not disabled_reduction:
        return BAND_NINTHS[code]
    if code == "A":
        return DISABLED_BAND_A_NINTHS
    order = list(BAND_NINTHS)
    return BAND_NINTHS[order[order.index(code) - 1]]


def round_pence(value: Fraction) -> int:
    """Nearest penny, halves away from zero (money is never a float)."""
    sign = -1 if value < 0 else 1
    whole, rem = divmod(abs(value.numerator), value.denominator)
    if 2 * rem >= value.denominator:
        whole += 1
    return sign * whole


def annual_charge_pence(band_d_pence: int, band: str, disabled_reduction: bool = False) -> int:
    """The full-year charge for a band before discounts, from the parish's Band D amount."""
    return round_pence(Fraction(band_d_pence * band_ninths(band, disabled_reduction), 9))
