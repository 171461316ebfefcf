"""hardware.qr picks the mask itself: its matrices must be qrcode's, module for module."""

from __future__ import annotations

import random
import string

import pytest
import qrcode

from hardware.qr import EC_LEVELS, qr_matrix, qr_size

_rng = random.Random(15)
DATA = [
    "http://192.0.2.10:8000/t/Xk3f9QmZ2aLp",  # the sample ticket's status URL
    "ZW20260302-0017",  # a case number (alphanumeric segments)
    "A",
    "0123456789" * 5,  # numeric segments
    "https://queue.example.gov.cn/t/" + "x" * 120,  # version 7 and up: version information
    "状态 http://大厅/t/abc",  # UTF-8
    *(f"http://10.0.0.{i}:5000/t/"
      + "".join(_rng.choice(string.ascii_letters + string.digits) for _ in range(_rng.randint(6, 60)))
      for i in range(12)),
]


def reference(data: str, ec: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=EC_LEVELS[ec], border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


@pytest.mark.parametrize("ec", ["M", "L", "H"])
def test_the_matrix_is_qrcodes_own(ec):
    for data in DATA:
        matrix = qr_matrix(data, ec)
        expected = reference(data, ec)

        assert matrix.size == len(expected) == qr_size(data, ec), data
        assert [[matrix.dark(r, c) for c in range(matrix.size)] for r in range(matrix.size)] \
            == expected, data


def test_the_image_has_a_dot_per_dark_module():
    matrix = qr_matrix("AB")
    image = matrix.image(3)

    assert image.size == (matrix.size * 3, matrix.size * 3)
    assert image.getpixel((0, 0)) and image.getpixel((3 * 7, 0)) == 0  # finder, then light
