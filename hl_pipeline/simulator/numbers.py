"""Hyperliquid number rules: tick rounding (5 significant figures) and decimal strings."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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


def _scaled_strings(m: np.ndarray, scale: np.ndarray | int) -> pa.Array:
    """Non-negative integers `m` over `scale` (a power of ten) as "whole.fraction", the fraction's
    trailing zeros dropped and "0" when none is left: the texts of `fmt_dec` and `fmt_lots`."""
    whole = pc.cast(pa.array(m // scale), pa.string())
    frac = pc.utf8_slice_codeunits(pc.cast(pa.array(m % scale + scale), pa.string()), 1)
    frac = pc.utf8_rtrim(frac, characters="0")
    frac = pc.if_else(pc.equal(pc.utf8_length(frac), 0), "0", frac)
    return pc.binary_join_element_wise(whole, frac, ".")


def dec_strings(x: np.ndarray, decimals: np.ndarray | int) -> pa.Array:
    """`fmt_dec` of every value, vectorised: an Arrow string array of the same texts.

    A value that is the double nearest to an integer over 10**decimals (every tick-rounded price
    is) prints as that integer with the decimal point put in; any other value (negative, off its
    grid, too large for exact int64 arithmetic, more than 15 decimals) goes through `fmt_dec`.
    """
    x = np.asarray(x, dtype=np.float64)
    wanted = np.broadcast_to(np.asarray(decimals, dtype=np.int64), x.shape)
    scale = 10 ** np.clip(wanted, 0, 15)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.round(x * scale)
        exact = (x >= 0) & (wanted <= 15) & (scaled < 2.0**53) & (scaled / scale == x)
    out = _scaled_strings(np.where(exact, scaled, 0).astype(np.int64), scale)
    if exact.all():
        return out
    texts = out.to_pylist()
    for i in np.flatnonzero(~exact).tolist():
        texts[i] = fmt_dec(float(x[i]), int(wanted[i]))
    return pa.array(texts, pa.string())


def px_strings(px: np.ndarray, sz_decimals: int) -> pa.Array:
    """`fmt_pxs` as an Arrow string array."""
    return dec_strings(px, price_decimals(px, sz_decimals))


def lot_strings(lots: np.ndarray, sz_decimals: int) -> pa.Array:
    """`fmt_lots` of every lot count as an Arrow string array."""
    lots = np.asarray(lots, dtype=np.int64)
    if (lots >= 0).all():
        return _scaled_strings(lots, 10**sz_decimals)
    return pa.array([fmt_lots(v, sz_decimals) for v in lots.tolist()], pa.string())
