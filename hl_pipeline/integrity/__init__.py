"""Market-integrity detectors (pure): wash trading, spoofing, spikes, venue statistics, and the
event-level matching that scores them against planted truth."""
