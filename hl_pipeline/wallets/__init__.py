"""Wallets: the tracked set, their fills, positions rebuilt from the fills, reconciliation."""
