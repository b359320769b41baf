"""Account reference check digit (modulus 11, weights 9..2) and oldest-debt-first allocation."""

from app.rules.allocation import allocate_oldest_first
from app.rules.references import check_digit, make_reference


def test_check_digit_worked_example() -> None:
    # 1x9 + 2x8 + 3x7 + 4x6 + 5x5 + 6x4 + 7x3 + 8x2 = 156; 156 mod 11 = 2; 11 - 2 = 9
    assert check_digit("12345678") == "9"
    assert make_reference(12345678) == "123456789"


def test_single_digit_and_transposition_errors_are_caught() -> None:
    ref = make_reference(10366325)
    typo = ref[:3] + str((int(ref[3]) + 1) % 10) + ref[4:]
    swapped = ref[:1] + ref[2] + ref[1] + ref[3:]
    assert check_digit(ref[:8]) == ref[8]
    assert check_digit(typo[:8]) != typo[8]
    assert ref[1] == ref[2] or check_digit(swapped[:8]) != swapped[8]


def test_oldest_year_first_then_credit_in_current_year() -> None:
    assert allocate_oldest_first({2024: 3000, 2025: 5000}, 4000, 2025) == [(2024, 3000), (2025, 1000)]
    assert allocate_oldest_first({2024: 0, 2025: 1000}, 1500, 2025) == [(2025, 1500)]
    assert allocate_oldest_first({}, 1500, 2026) == [(2026, 1500)]
    assert allocate_oldest_first({2024: 1000}, 1500, 2025) == [(2024, 1000), (2025, 500)]
