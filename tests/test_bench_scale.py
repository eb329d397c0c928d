"""The scale benchmark runs at a CI size and reports every number it promises (issue 11, section 5).

Speed goals stay in the benchmark's printout; this test proves the benchmark works and that what it measures
is real: the store holds every passage it was given, after reopening, at each size.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "bench_scale.py"
FIELDS = ("size", "passages", "files", "stored_passages", "stored_files", "passages_per_s", "last_file_s",
          "index_mb", "open_s", "p50_ms", "p95_ms", "peak_mb")

pytestmark = pytest.mark.integration


def test_bench_scale_at_ci_size_reports_every_number_for_each_size(tmp_path):
    out = tmp_path / "scale.json"
    done = subprocess.run([sys.executable, str(SCRIPT), "--sizes", "300,600", "--json", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert [r["size"] for r in rows] == [300, 600]
    for row in rows:
        assert set(FIELDS) <= set(row)
        assert all(row[f] > 0 for f in FIELDS), row
        assert row["files"] == row["size"] // 140
        assert row["stored_passages"] == row["passages"] and row["stored_files"] == row["files"]
        assert row["p50_ms"] <= row["p95_ms"]
    assert rows[1]["passages"] > rows[0]["passages"]
    table = done.stdout.splitlines()
    assert table[0].split()[0] == "passages" and len(table) == 1 + len(rows)
    assert [int(line.split()[0]) for line in table[1:]] == [r["passages"] for r in rows]


def test_bench_scale_refuses_bad_sizes_in_one_line():
    done = subprocess.run([sys.executable, str(SCRIPT), "--sizes", "300,lots"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].endswith("not a list of numbers: '300,lots'")
