"""One unit for file sizes everywhere: the mebibyte (MiB, 2**20 bytes).

Streamlit's ``server.maxUploadSize = 50`` means 50 MiB (52,428,800 bytes), so every limit in Python is written in
MiB too and every message reports sizes in MiB: a file the browser lets through is never refused by Python for
being "over 50 MB", and a number shown next to "MiB" is in MiB.
"""

from __future__ import annotations

MIB = 1024 * 1024  # bytes in a mebibyte
UPLOAD_LIMIT_MIB = 50  # keep equal to server.maxUploadSize in .streamlit/config.toml


def mebibytes(size: float) -> float:
    """``size`` bytes in MiB, rounded to one decimal, for messages."""
    return round(size / MIB, 1)
