"""Extraction time against text length (should grow linearly). Run on demand.

python benchmarks/bench_extract.py ../shared/seeds/003_eba4030429a9acda.txt
python benchmarks/bench_extract.py --run-on            # 80 KB to 5 MB without a single sentence end
python benchmarks/bench_extract.py --run-on --sizes 80000,320000
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

from protestmap.text.extract import extract_text

# Clauses written for this benchmark: cues, counts, dates and places of several departments, joined
# without full stops or line breaks, so that the whole text is one "sentence" to a naive splitter.
CLAUSES = (
    "los manifestantes bloquearon la carretera en Juliaca y ",
    "tres muertos en Ilave, Puno, el 9 de enero, ",
    "la policía detuvo a 12 personas en Cusco y ",
    "protesters marched in Arequipa on Monday and ",
    "a strike paralysed Abancay, Apurímac, while ",
    "hubo 20 heridos en Andahuaylas ayer y ",
    "se declaró el estado de emergencia en Ayacucho y Huancavelica, ",
    "two people were killed in Chala, Caravelí, on Thursday and ",
    "toque de queda en Puno durante tres días; ",
    "bloqueos en 15 puntos de Madre de Dios, Cajamarca y Tacna: ",
)
SIZES = (80_000, 320_000, 1_300_000, 5_000_000)


def run_on_text(size: int) -> str:
    """Text of about ``size`` characters with no sentence end at all."""
    parts: list[str] = []
    total = 0
    for clause in itertools.cycle(CLAUSES):
        if total >= size:
            break
        parts.append(clause)
        total += len(clause)
    return "".join(parts)[:size]


def _time(sample: str) -> None:
    t0 = time.perf_counter()
    result = extract_text(sample, published=None)
    elapsed = time.perf_counter() - t0
    print(
        f"{len(sample):>10,} chars: {elapsed:7.2f} s = {elapsed / len(sample) * 1e6:6.2f} us/char, "
        f"{len(result.candidates)} candidates",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article", nargs="?", type=Path, help="an article to repeat (default: a made-up sentence)")
    parser.add_argument("--run-on", action="store_true", help="time text without sentence ends instead")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="sizes in characters for --run-on")
    args = parser.parse_args()
    if args.run_on:
        for size in (int(s) for s in args.sizes.split(",")):
            _time(run_on_text(size))
        return
    text = (
        args.article.read_text(encoding="utf-8")
        if args.article
        else "Police killed 3 people in Juliaca on Monday. " * 50
    )
    for copies in (1, 4, 16, 64, 128):
        _time((text + "\n\n") * copies)


if __name__ == "__main__":
    main()
