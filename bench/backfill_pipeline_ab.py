"""A/B of the bulk loader's batch pipelines (in line vs helper thread) or of two checkouts, same files.

Usage: python -m bench.backfill_pipeline_ab --orders 30000 --pairs 3 [--database-url postgresql://…]
       python -m bench.backfill_pipeline_ab --orders 100000 --pairs 1 --checkouts /work/main .
Writes one set of bulk JSONL files, then runs `bench.backfill_modes.xsight` (the real write path)
in fresh processes, alternating the two variants so that a busy machine's load falls on both:
by default the loader's pipeline forced to `in_line` or to the helper thread (`batches`), or with
`--checkouts A B` each checkout's own code as it is. Prints wall, CPU and PostgreSQL server CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.backfill_bench import write_files


def child(pipeline: str, folder: Path, url: str) -> None:
    """Run the XSight mode once, with the loader's pipeline forced if asked; print JSON."""
    from bench.backfill_modes import xsight

    if pipeline != "as-is":  # a checkout as it is may predate bulk_pipeline
        from xsight.services.ingest import bulk_pipeline

        if pipeline == "in_line":
            bulk_pipeline.batches = bulk_pipeline.in_line  # type: ignore[assignment]
        else:
            bulk_pipeline.in_line = bulk_pipeline.batches
    result = xsight(folder, url)
    print(json.dumps({k: result[k] for k in ("seconds", "cpu", "rss_mb", "rows")}
                     | ({"server_cpu": result["server_cpu"]} if "server_cpu" in result else {})))


def run(variant: str, pipeline: str, checkout: str, folder: Path, url: str) -> str:
    """Run one variant in a fresh process that imports `checkout`'s code; return a result line."""
    env = {**os.environ, "PYTHONPATH": str(Path(checkout).resolve())}
    out = subprocess.run([sys.executable, __file__, "--child", pipeline,
                          "--folder", str(folder), "--database-url", url],
                         cwd=checkout, env=env, capture_output=True, text=True, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    server = f", server CPU {got['server_cpu']:.2f} s" if "server_cpu" in got else ""
    return (f"{variant}: wall {got['seconds']:.2f} s, CPU {got['cpu']:.2f} s{server}, "
            f"peak RSS {got['rss_mb']:.0f} MB, rows {got['rows']:,}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=30_000)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--checkouts", nargs=2, metavar=("A", "B"))
    parser.add_argument("--child")
    parser.add_argument("--folder")
    args = parser.parse_args()
    if args.child:
        child(args.child, Path(args.folder), args.database_url)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_files(folder, args.orders)
        url = args.database_url or f"sqlite:///{folder / 'ab.sqlite3'}"
        variants = ([(c, "as-is", c) for c in args.checkouts] if args.checkouts
                    else [("in line", "in_line", "."), ("helper thread", "helper", ".")])
        for _ in range(args.pairs):
            for variant, pipeline, checkout in variants:
                print(run(variant, pipeline, checkout, folder, url), flush=True)


if __name__ == "__main__":
    main()
