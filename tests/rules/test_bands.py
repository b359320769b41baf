"""Band ratios: LGFA 1992 s5(1) (A 6/9 ... H 18/9, Wales I 21/9); disabled band reduction:
Council Tax (Reductions for Disabilities) Regulations 1992 reg 4 (band below; band A 5/9).
Worked figures from ../shared/domain/README.md §1 with the example authority's Band D £2,100.00."""

import pytest

from app.rules.bands import BandError, annual_charge_pence, band_ninths, check_band


@pytest.mark.parametrize(
    ("band", "pence"),
    [("A", 140000), ("B", 163333), ("C", 186667), ("D", 210000), ("E", 256667), ("F", 303333), ("G", 350000), ("H", 420000)],
)
def test_charge_per_band_from_band_d(band: str, pence: int) -> None:
    # £2,100.00 x ratio, to the nearest penny (B: 1,633.333 -> 1,633.33; C: 1,866.666 -> 1,866.67).
    assert annual_charge_pence(210000, band) == pence


def test_parish_band_d_differs() -> None:
    # Abbey Parish Band D £2,152.50 (examples/settings.toml): band E = 11/9 x 2,152.50 = 2,630.83
    assert annual_charge_pence(215250, "E") == 263083


def test_disabled_reduction_charges_band_below() -> None:
    assert band_ninths("C", disabled_reduction=True) == 7
    assert band_ninths("E", disabled_reduction=True) == 9
    assert annual_charge_pence(210000, "D", disabled_reduction=True) == annual_charge_pence(210000, "C")


def test_disabled_reduction_band_a_is_five_ninths() -> None:
    assert band_ninths("A", disabled_reduction=True) == 5
    assert annual_charge_pence(210000, "A", disabled_reduction=True) == 116667


def test_band_i_only_in_wales() -> None:
    assert check_band("i", "wales") == "I"
    with pytest.raises(BandError):
        check_band("I", "england")
    with pytest.raises(BandError):
        check_band("Z", "wales")
