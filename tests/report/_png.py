"""A minimal stdlib PNG reader (8-bit RGB/RGBA, not interlaced): enough for a screenshot."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {2: 3, 6: 4}


@dataclass(frozen=True)
class Image:
    width: int
    height: int
    channels: int
    rows: list[bytes]

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        i = x * self.channels
        r, g, b = self.rows[y][i : i + 3]
        return r, g, b


def _chunks(data: bytes) -> dict[bytes, bytes]:
    out: dict[bytes, bytes] = {}
    pos = len(SIGNATURE)
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        out[kind] = out.get(kind, b"") + data[pos + 8 : pos + 8 + n]
        pos += 12 + n
    return out


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(kind: int, line: bytes, prev: bytes, bpp: int) -> bytes:
    if kind == 0:
        return line
    if kind == 2:
        return bytes((x + p) & 0xFF for x, p in zip(line, prev, strict=True))
    out = bytearray(line)
    for i in range(len(out)):
        a = out[i - bpp] if i >= bpp else 0
        c = prev[i - bpp] if i >= bpp else 0
        if kind == 1:
            out[i] = (out[i] + a) & 0xFF
        elif kind == 3:
            out[i] = (out[i] + (a + prev[i]) // 2) & 0xFF
        else:
            out[i] = (out[i] + _paeth(a, prev[i], c)) & 0xFF
    return bytes(out)


def read_png(path: Path) -> Image:
    data = path.read_bytes()
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path} is not a PNG")
    chunks = _chunks(data)
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    if depth != 8 or colour not in CHANNELS or interlace:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}, interlace")
    bpp = CHANNELS[colour]
    raw, stride = zlib.decompress(chunks[b"IDAT"]), width * bpp + 1
    rows, prev = [], bytes(width * bpp)
    for y in range(height):
        line = raw[y * stride : (y + 1) * stride]
        prev = _unfilter(line[0], line[1:], prev, bpp)
        rows.append(prev)
    return Image(width, height, bpp, rows)
