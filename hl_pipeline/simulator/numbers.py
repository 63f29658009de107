"""Hyperliquid number rules: tick rounding (5 significant figures) and decimal strings."""

from __future__ import annotations

import numpy as np

MAX_PERP_DECIMALS = 6


def price_decimals(px: np.ndarray, sz_decimals: int) -> np.ndarray:
    """Decimals allowed for each price: 5 significant figures, at most 6 - szDecimals."""
    mag = np.floor(np.log10(np.maximum(np.asarray(px, dtype=np.float64), 1e-12))).astype(np.int64)
    return np.clip(4 - mag, 0, MAX_PERP_DECIMALS - sz_decimals)


def round_px(px: np.ndarray, sz_decimals: int) -> np.ndarray:
    """Prices rounded to a valid tick."""
    px = np.asarray(px, dtype=np.float64)
    scale = 10.0 ** price_decimals(px, sz_decimals)
    return np.round(px * scale) / scale


def fmt_dec(x: float, decimals: int) -> str:
    """A decimal string without exponent and without trailing zeros ("98818.0", "0.0016")."""
    s = f"{x:.{max(decimals, 0)}f}"
    if "." in s:
        s = s.rstrip("0")
        if s.endswith("."):
            s += "0"
    else:
        s += ".0"
    return "0.0" if s in ("-0.0", "0.0") else s


def fmt_px(px: float, sz_decimals: int) -> str:
    """A rounded price as Hyperliquid prints it."""
    return fmt_dec(px, int(price_decimals(np.asarray([px]), sz_decimals)[0]))


def fmt_pxs(px: np.ndarray, sz_decimals: int) -> list[str]:
    """Many rounded prices as strings."""
    decs = price_decimals(px, sz_decimals).tolist()
    return [fmt_dec(p, d) for p, d in zip(px.tolist(), decs)]


def fmt_lots(lots: int, sz_decimals: int) -> str:
    """An integer count of size lots (10^-szDecimals) as a size string."""
    if sz_decimals == 0:
        return f"{lots}.0"
    sign, lots = ("-", -lots) if lots < 0 else ("", lots)
    whole, frac = divmod(lots, 10**sz_decimals)
    return f"{sign}{whole}.{str(frac).rjust(sz_decimals, '0').rstrip('0') or '0'}"


def fmt_sig(x: float, sig: int = 8) -> str:
    """A small float (rates, PnL) with `sig` significant figures, no exponent."""
    if x == 0 or not np.isfinite(x):
        return "0.0"
    mag = int(np.floor(np.log10(abs(x))))
    return fmt_dec(float(x), max(sig - 1 - mag, 1))
