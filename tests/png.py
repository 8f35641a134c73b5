"""A small PNG reader (standard library only) for tests that look at screenshots:
8-bit greyscale, RGB or RGBA, not interlaced, as headless Chromium writes them."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # colour type → samples per pixel


@dataclass(frozen=True)
class Image:
    width: int
    height: int
    rows: tuple[bytes, ...]  # RGB, 3 bytes per pixel

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        row = self.rows[y]
        return row[3 * x], row[3 * x + 1], row[3 * x + 2]


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(kind: int, line: bytearray, up: bytearray, step: int) -> None:
    """Undoes one row's filter in place (one loop per filter type: no branch per byte)."""
    n = len(line)
    if kind == 1:
        for i in range(step, n):
            line[i] = (line[i] + line[i - step]) & 0xFF
    elif kind == 2:
        for i in range(n):
            line[i] = (line[i] + up[i]) & 0xFF
    elif kind == 3:
        for i in range(step):
            line[i] = (line[i] + (up[i] >> 1)) & 0xFF
        for i in range(step, n):
            line[i] = (line[i] + ((line[i - step] + up[i]) >> 1)) & 0xFF
    elif kind == 4:
        for i in range(step):
            line[i] = (line[i] + up[i]) & 0xFF
        for i in range(step, n):
            line[i] = (line[i] + _paeth(line[i - step], up[i], up[i - step])) & 0xFF


def read(data: bytes) -> Image:
    if not data.startswith(SIGNATURE):
        raise ValueError("not a PNG")
    pos = len(SIGNATURE)
    header = b""
    chunks = []
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or colour not in CHANNELS or interlace:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}")
    step = CHANNELS[colour]
    stride = width * step
    raw = zlib.decompress(b"".join(chunks))
    previous = bytearray(stride)
    rows = []
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(kind, line, previous, step)
        previous = line
        if step >= 3:
            rgb = bytearray(width * 3)
            rgb[0::3], rgb[1::3], rgb[2::3] = line[0::step], line[1::step], line[2::step]
        else:
            grey = line[0::step]
            rgb = bytearray(width * 3)
            rgb[0::3], rgb[1::3], rgb[2::3] = grey, grey, grey
        rows.append(bytes(rgb))
    return Image(width, height, tuple(rows))
