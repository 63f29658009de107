"""Alerts on failed runs."""
