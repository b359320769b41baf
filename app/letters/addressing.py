"""Where a letter is posted: the property, or the forwarding address after a move out.

A notice sent to a property the taxpayer has left reaches the next occupier, or nobody;
so once the account's last liability period has ended and a forwarding address is
recorded (the Move out form asks for one), letters go there instead. The property's
address stays on the letter as what the council tax is for (`property_address`).
"""

from __future__ import annotations

import re

_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$", re.IGNORECASE)


def address_lines(text: str) -> list[str]:
    """"12 High St, Exampleton" or lines typed one per line -> ["12 High St", "Exampleton"]."""
    return [part.strip() for part in re.split(r"[,\n]", text) if part.strip()]


def postal_address(
    property_address: str, property_postcode: str, forwarding_address: str, moved_out: bool,
) -> tuple[list[str], str]:
    """(address lines, postcode) for the envelope window.

    The forwarding address when the taxpayer has moved out and one is recorded (its last
    line is taken as the postcode when it is one), else the property's."""
    if moved_out and forwarding_address.strip():
        lines = address_lines(forwarding_address)
        if len(lines) > 1 and _POSTCODE.match(lines[-1]):
            return lines[:-1], lines[-1].upper()
        return lines, ""
    return address_lines(property_address), property_postcode
