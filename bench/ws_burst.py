"""The simulator's trade replay on /ws: messages/s in burst mode (as fast as loopback takes them)
and how closely rate mode keeps to its N msgs/s, read by a bare `websockets` client, one BTC
trades subscription. The tests only check what replay sends (one trade per message, in order,
never faster than the rate); the speeds a machine reaches are measured here."""

from __future__ import annotations

import asyncio
import json
import time

from bench.common import save, simulator_process, table

SECONDS = 5.0
RATE = 40.0  # msgs/s asked of rate mode
TARGET_BURST = 1_000  # msgs/s the tests used to demand of burst mode


async def _read(url: str, seconds: float) -> dict:
    from websockets.asyncio.client import connect

    async with connect(url.replace("http", "ws", 1) + "/ws", max_size=None, max_queue=None) as ws:
        await ws.send(json.dumps({"method": "subscribe", "subscription": {"type": "trades", "coin": "BTC"}}))
        frames, trades, first, last = 0, 0, None, None
        batch = True  # the recent batch right after subscribing is not replay
        start = time.monotonic()
        while (left := start + seconds - time.monotonic()) > 0:
            try:
                msg = json.loads(await asyncio.wait_for(ws.recv(), left))
            except TimeoutError:
                break
            if msg.get("channel") != "trades":
                continue
            if batch:
                batch = False
                continue
            frames += 1
            trades += len(msg["data"])
            first = msg["data"][0]["time"] if first is None else first
            last = msg["data"][-1]["time"]
        elapsed = time.monotonic() - start
    return {
        "messages": frames,
        "trades": trades,
        "seconds": round(elapsed, 3),
        "per_second": round(frames / elapsed, 1),
        "tape_seconds": round(((last or 0) - (first or 0)) / 1000, 1),
    }


def _mode(rate: str) -> dict:
    with simulator_process("--ws-stream-rate", rate, "--no-rate-limit") as url:
        return asyncio.run(_read(url, SECONDS))


def main() -> dict:
    runs = {"burst": _mode("burst"), f"rate {RATE:g}": _mode(f"{RATE:g}")}
    rows = [
        {
            "mode": mode,
            "messages": r["messages"],
            "msgs/s": r["per_second"],
            "trades/msg": round(r["trades"] / max(r["messages"], 1), 2),
            "tape s per wall s": round(r["tape_seconds"] / r["seconds"], 1),
        }
        for mode, r in runs.items()
    ]
    print(table(rows))
    paced = runs[f"rate {RATE:g}"]["per_second"]
    targets = {
        "burst_at_least_1000_per_s": runs["burst"]["per_second"] >= TARGET_BURST,
        "rate_within_20_percent": abs(paced - RATE) <= 0.2 * RATE,
    }
    print(f"\ntargets: {targets}")
    result = {"seconds": SECONDS, "rate": RATE, "runs": runs, "targets": targets}
    save("ws_burst", result)
    return result


if __name__ == "__main__":
    main()
