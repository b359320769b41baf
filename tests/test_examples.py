"""The example files in tests/examples are the contract's (../shared/formats/examples), unchanged."""

import pytest

from tests.conftest import EXAMPLES, SHARED_EXAMPLES


def test_examples_match_the_contract() -> None:
    if not SHARED_EXAMPLES.is_dir():
        pytest.skip(f"{SHARED_EXAMPLES} is not beside this clone; the copy in {EXAMPLES} is used as it is")
    for original in SHARED_EXAMPLES.iterdir():
        assert (EXAMPLES / original.name).read_bytes() == original.read_bytes(), original.name
