"""The student link as a QR code a phone can scan from the back of a lecture hall.

Drawn with ``segno`` (a small, pure-Python QR encoder). A room link is short (≈40 characters), so the symbol stays at
version 2–3 (25–29 modules a side); low error correction is enough on a clean projector image and keeps the modules
large, and segno raises it for free when the version does not grow. At ``scale`` pixels per module (≥ 10) the PNG
is about 300–400 px wide before the browser scales it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno

MIN_SCALE = 10
QUIET_ZONE = 4  # modules of white border the QR standard asks for


@dataclass(frozen=True)
class StudentQR:
    """A PNG of the QR code for ``content``: ``modules`` a side without border, ``scale`` pixels per module."""

    content: str
    png: bytes
    version: int
    modules: int
    scale: int

    @property
    def pixels(self) -> int:
        """Width (and height) of the PNG in pixels, quiet zone included."""
        return (self.modules + 2 * QUIET_ZONE) * self.scale


def qr_symbol(content: str) -> segno.QRCode:
    """The QR symbol for ``content`` (a regular QR code, never a Micro QR that phones' cameras often skip)."""
    return segno.make(content, error="l", boost_error=True, micro=False)


def student_qr(link: str, scale: int = 12) -> StudentQR:
    """The QR code of the student link, black on white, as PNG bytes."""
    if scale < MIN_SCALE:
        raise ValueError(f"a QR code for a room is drawn at {MIN_SCALE} pixels per module or more, not {scale}")
    symbol = qr_symbol(link)
    buffer = io.BytesIO()
    symbol.save(buffer, kind="png", scale=scale, border=QUIET_ZONE, dark="black", light="white")
    modules = symbol.symbol_size(scale=1, border=0)[0]
    return StudentQR(content=link, png=buffer.getvalue(), version=int(symbol.version), modules=modules, scale=scale)
