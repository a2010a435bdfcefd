"""`make bench` runs end to end at a tiny scale: both benchmarks build their data, check their
answers (the national one against DuckDB's scan) and print their tables. A benchmark that no
longer runs is found here, not by the next person measuring at full scale."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_make_bench_runs_at_a_tiny_scale(tmp_path):  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PTDV_", "DJANGO_"))}
    env.update(BENCH_PEOPLE="300", BENCH_SCALE="0.0002", TMPDIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "bench"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert "aggregates check: ok" in out
    assert "answers agree" in out
    for question in ("national dashboard (HTTP)", "board page of a province (HTTP)",
                     "member roll, first page (commune)"):  # fmt: skip
        assert question in out
