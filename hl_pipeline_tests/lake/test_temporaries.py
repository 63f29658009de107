"""Temporaries of killed writers are recognised by their dead process and swept; a live writer's stay."""

import os
import subprocess
import sys
import time

from hl_pipeline.lake.temporaries import left_behind, sweep, temporary


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_killed_writers_temporary_is_swept_and_a_live_ones_is_kept(tmp_path):
    part = tmp_path / "candles" / "coin=BTC" / "date=2024-01-01"
    part.mkdir(parents=True)
    mine = temporary(part / "part-0.parquet")
    mine.write_bytes(b"being written")
    dead = part / f".part-0.parquet.tmp-{_dead_pid()}-0123abcd"
    dead.write_bytes(b"half")
    legacy_old = part / ".part-0.parquet.tmp-0123abcd"  # written before temporaries named their pid
    legacy_old.write_bytes(b"old")
    os.utime(legacy_old, (time.time() - 3600, time.time() - 3600))
    legacy_new = part / ".part-0.parquet.tmp-4567ef"
    legacy_new.write_bytes(b"recent")
    assert str(os.getpid()) in mine.name and not left_behind(mine)
    assert sweep(tmp_path) == 2
    assert sorted(p.name for p in part.iterdir()) == sorted([mine.name, legacy_new.name])
    assert sweep(tmp_path / "nothing-here") == 0
