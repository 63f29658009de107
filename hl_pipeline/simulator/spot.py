"""The spot universe: tokens, pairs (PURR/USDC and `@N` names, as the real API names them) and contexts."""

from __future__ import annotations

from hl_pipeline.exchange.intervals import DAY_MS, MINUTE_MS
from hl_pipeline.simulator.candles import CandleSource
from hl_pipeline.simulator.config import CoinSpec
from hl_pipeline.simulator.numbers import fmt_dec, fmt_lots, fmt_px

# (name, szDecimals, weiDecimals, tokenId, fullName)
_TOKENS = (
    ("USDC", 8, 8, "0x6d1e7cde53ba9467b783cb7c530ce054", None),
    ("PURR", 0, 5, "0xc1fb593aeffbeb02f85e0308e9956a90", None),
    ("HYPE", 2, 8, "0x0d01dc56dcaaca66ad901c959b4011ec", "Hyperliquid"),
    ("UBTC", 5, 10, "0x8f254b963e8468305d409b33aa137c67", "Unit Bitcoin"),
    ("UETH", 4, 9, "0xe1edd30daaf5caac3fe63569e24748da", "Unit Ethereum"),
    ("USOL", 3, 9, "0x49b67c39f5566535de22b29b0e51e685", "Unit Solana"),
)
SUPPLY = {"PURR": 600_000_000.0, "HYPE": 1_000_000_000.0, "UBTC": 21_000.0, "UETH": 120_000.0, "USOL": 5e6}

# A pair per non-quote token: (base token index, start price, daily vol, trades per minute)
_PAIRS = (
    (1, 0.2, 0.05, 2.0),
    (2, 18.0, 0.06, 6.0),
    (3, 42_000.0, 0.025, 2.0),
    (4, 2_300.0, 0.03, 2.0),
    (5, 95.0, 0.045, 1.5),
)


def pair_name(index: int) -> str:
    """The coin name of spot pair `index`: "PURR/USDC" for the first, "@N" for the others."""
    return "PURR/USDC" if index == 0 else f"@{index}"


SPOT_SPECS: tuple[CoinSpec, ...] = tuple(
    CoinSpec(pair_name(i), _TOKENS[base][1], 1, px, vol, rate, 0.0)
    for i, (base, px, vol, rate) in enumerate(_PAIRS)
)
BASE_TOKEN = {pair_name(i): _TOKENS[base][0] for i, (base, *_) in enumerate(_PAIRS)}
TOKEN_INDEX = {t[0]: i for i, t in enumerate(_TOKENS)}

TOKENS: list[dict] = [
    {
        "name": name,
        "szDecimals": sz,
        "weiDecimals": wei,
        "index": i,
        "tokenId": token_id,
        "isCanonical": i < 2,
        "evmContract": None,
        "fullName": full,
    }
    for i, (name, sz, wei, token_id, full) in enumerate(_TOKENS)
]
SPOT_META = {
    "universe": [
        {"tokens": [base, 0], "name": pair_name(i), "index": i, "isCanonical": i == 0}
        for i, (base, *_) in enumerate(_PAIRS)
    ],
    "tokens": TOKENS,
}


def spot_ctx(source: CandleSource, spec: CoinSpec, mid: str, now_ms: int) -> dict:
    """One spot asset context at now: prices, 24h volumes and supply."""
    day = source.minutes(now_ms - DAY_MS, now_ms // MINUTE_MS * MINUTE_MS + 1)
    sz = spec.sz_decimals
    prev = float(day.o[0]) if len(day.o) else float(mid)
    supply = fmt_dec(SUPPLY[BASE_TOKEN[spec.name]], 2)
    return {
        "prevDayPx": fmt_px(prev, sz),
        "dayNtlVlm": fmt_dec(float((day.v * day.c).sum()) / 10**sz, 6),
        "markPx": fmt_px(float(mid), sz),
        "midPx": fmt_px(float(mid), sz),
        "circulatingSupply": supply,
        "coin": spec.name,
        "totalSupply": supply,
        "dayBaseVlm": fmt_lots(int(day.v.sum()), sz),
    }
