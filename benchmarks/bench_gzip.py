"""The dumps' gzip copies: the standard library's zlib at level 6 (the copies before) beside
zlib-ng at the level the build uses (`villegraph.dumpfiles.GZIP_LEVEL`), on the dumps of a build.

    .venv/bin/python benchmarks/bench_gzip.py DIST [--rounds 3]

Each round compresses every dump of DIST in 1 MiB pieces, as the build hands them on, with both,
alternating; prints CPU seconds, MB/s of input and the size of the copies (Markdown). Checks that
every copy decompresses to the dump; nothing else is asserted.
"""

from __future__ import annotations

import argparse
import gzip
import time
import zlib
from collections.abc import Callable
from pathlib import Path

from villegraph.dump import DUMPS
from villegraph.dumpfiles import BLOCK, GZIP_LEVEL, gzip_compressor


def standard() -> zlib._Compress:
    return zlib.compressobj(6, zlib.DEFLATED, 31)


def _compress(data: bytes, make: Callable[[], object]) -> tuple[float, bytes]:
    packer = make()
    start = time.process_time()
    pieces = [packer.compress(data[i : i + BLOCK]) for i in range(0, len(data), BLOCK)]  # type: ignore[attr-defined]
    pieces.append(packer.flush())  # type: ignore[attr-defined]
    return time.process_time() - start, b"".join(pieces)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    dumps = {name: (args.dist / name).read_bytes() for name in DUMPS}
    total = sum(len(d) for d in dumps.values())
    makers = {"zlib 6 (before)": standard, f"zlib-ng {GZIP_LEVEL} (now)": gzip_compressor}
    seconds = {label: [0.0] * args.rounds for label in makers}
    sizes = dict.fromkeys(makers, 0)
    for round_ in range(args.rounds):
        for label, make in makers.items():
            size = 0
            for data in dumps.values():
                cpu, packed = _compress(data, make)
                seconds[label][round_] += cpu
                size += len(packed)
                if round_ == 0:
                    assert gzip.decompress(packed) == data
            sizes[label] = size
    print(f"{len(dumps)} dumps of {args.dist}, {total / 1e6:.0f} MB in all, {args.rounds} rounds\n")
    print("| compressor | CPU s per round (min / max) | MB/s | copies MB | ÷ before |")
    print("|---|---|---|---|---|")
    before = min(seconds["zlib 6 (before)"])
    for label in makers:
        best = min(seconds[label])
        print(
            f"| {label} | {best:.2f} / {max(seconds[label]):.2f} | {total / best / 1e6:.0f} "
            f"| {sizes[label] / 1e6:.1f} | {best / before:.2f} |"
        )


if __name__ == "__main__":
    main()
