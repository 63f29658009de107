"""Runs whose process died: failed, their pool slots freed."""
