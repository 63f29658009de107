"""Helpers shared by the quality tests."""

from __future__ import annotations


def by_check(outcomes, check):
    """{date: outcome} of one check."""
    return {o.partition: o for o in outcomes if o.check == check}


def failed(outcomes):
    """{(check, date)} of the failing outcomes."""
    return {(o.check, o.partition) for o in outcomes if not o.passed}
