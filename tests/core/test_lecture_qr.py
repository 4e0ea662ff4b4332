"""The student link's QR code: the PNG holds exactly the symbol segno encodes for the link, large enough to scan.

No QR decoder is available offline, so the test reads the PNG back module by module and compares it with the symbol
segno builds for the same link (segno's own tests check that symbols decode); the symbol's mode and capacity show
the whole link went in as bytes.
"""

import io

import numpy as np
import pytest
import segno
from PIL import Image

from core.lecture.codes import new_code
from core.lecture.qr import MIN_SCALE, QUIET_ZONE, qr_symbol, student_qr


def modules_in(png: bytes, scale: int) -> np.ndarray:
    """The dark/light module grid read from the PNG (sampling each module's centre), quiet zone cut off."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"))  # (height, width)
    centres = np.arange(scale // 2, pixels.shape[0], scale)
    grid = pixels[np.ix_(centres, centres)] < 128
    return grid[QUIET_ZONE:-QUIET_ZONE, QUIET_ZONE:-QUIET_ZONE]


@pytest.mark.parametrize("link", [
    f"http://localhost:8501/?lecture={new_code()}",
    f"https://rnn-explorer.example.edu/?lecture={new_code(6)}&lang=zh",
])
def test_png_holds_the_symbol_of_the_link(link):
    qr = student_qr(link)
    image = Image.open(io.BytesIO(qr.png))
    assert image.size == (qr.pixels, qr.pixels) and qr.scale >= MIN_SCALE
    assert qr.pixels >= 300  # about a third of a 1080p projector's height before the browser scales it
    symbol = qr_symbol(link)
    expected = np.array([[bool(module) for module in row] for row in symbol.matrix])
    assert qr.modules == expected.shape[0] == 17 + 4 * symbol.version  # a regular QR code, version from its size
    assert qr.version == symbol.version <= 4  # few, large modules for the back row
    np.testing.assert_array_equal(modules_in(qr.png, qr.scale), expected)
    assert symbol.mode == "byte" and not symbol.is_micro
    assert qr.content == link


def test_the_symbol_depends_on_every_character_of_the_link():
    code = new_code()
    one = student_qr(f"http://localhost:8501/?lecture={code}")
    other = student_qr(f"http://localhost:8501/?lecture={code[:-1]}{'A' if code[-1] != 'A' else 'C'}")
    assert not np.array_equal(modules_in(one.png, one.scale), modules_in(other.png, other.scale))


def test_small_scales_are_refused():
    with pytest.raises(ValueError):
        student_qr("http://localhost:8501/?lecture=ACDEF", scale=4)


def test_segno_capacity_holds_the_link_exactly():
    # byte mode at version v and level L holds a fixed number of bytes: the link must fit, one byte each
    link = f"http://localhost:8501/?lecture={new_code()}"
    symbol = qr_symbol(link)
    smaller = symbol.version - 1
    if smaller >= 1:
        with pytest.raises(segno.DataOverflowError):
            segno.make(link, version=smaller, error="l", micro=False)
