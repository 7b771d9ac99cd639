"""Geocoding throughput: 100,000 queries with repeats and mixed case and accents.

Run on demand: python benchmarks/bench_geocode.py [--queries N]
Target (issue 3): >= 50,000 queries per second after warm-up.
"""

from __future__ import annotations

import argparse
import random
import time
import unicodedata

from protestmap.places.gazetteer import load_gazetteer
from protestmap.places.geocoder import PeruGazetteer


def variants(name: str, rng: random.Random) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    choice = rng.choice([name, plain, name.upper(), plain.lower(), f"  {name.lower()} "])
    return choice


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    names = [e.name for e in load_gazetteer().entries]
    pool = rng.sample(names, 3000)
    queries = [variants(rng.choice(pool), rng) for _ in range(args.queries)]
    geocoder = PeruGazetteer()
    t0 = time.perf_counter()
    outcomes = {"ok": 0, "proposed": 0, "ambiguous": 0, "none": 0}  # none: not found, or ambiguous across departments
    for q in queries:  # warm-up: fills the cache, as a long-running session would
        location = geocoder.geocode(q)
        outcomes["none" if location is None else location.raw["status"]] += 1
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    for q in queries:
        geocoder.geocode(q)
    warm = time.perf_counter() - t0
    print(f"queries: {len(queries):,} ({len(set(queries)):,} distinct strings from {len(pool):,} names)")
    print(f"outcomes: {outcomes}")
    print(f"first pass (cold cache): {cold:.2f} s = {len(queries) / cold:,.0f} queries/s")
    print(f"after warm-up:           {warm:.3f} s = {len(queries) / warm:,.0f} queries/s")


if __name__ == "__main__":
    main()
