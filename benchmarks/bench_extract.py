"""Extraction time against text length (should grow linearly). Run on demand.

python benchmarks/bench_extract.py ../shared/seeds/003_eba4030429a9acda.txt
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from protestmap.extract import extract_text


def main() -> None:
    text = (
        Path(sys.argv[1]).read_text(encoding="utf-8")
        if len(sys.argv) > 1
        else "Police killed 3 people in Juliaca on Monday. " * 50
    )
    for copies in (1, 4, 16, 64, 128):
        sample = (text + "\n\n") * copies
        t0 = time.perf_counter()
        result = extract_text(sample, published=None)
        elapsed = time.perf_counter() - t0
        print(
            f"{len(sample):>10,} chars: {elapsed:6.2f} s = {elapsed / len(sample) * 1e6:5.2f} us/char, {len(result.candidates)} candidates"
        )


if __name__ == "__main__":
    main()
