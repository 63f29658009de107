"""Hyperliquid exchange simulator: a deterministic market served over the real wire format."""
