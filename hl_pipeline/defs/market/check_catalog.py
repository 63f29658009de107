"""Every market check: name -> (blocking, what it asserts). Blocking checks stop bad data flowing on."""

CANDLE_CHECKS = {
    "candles_schema": (True, "Columns and types match the candles schema."),
    "candles_valid_values": (
        True,
        "No nulls; OHLC consistent; volume and trade counts not negative; close_time = time + interval - 1 ms.",
    ),
    "candles_unique_increasing": (True, "Unique and increasing open times per coin, interval and source."),
    "candles_complete": (
        False,
        "Every expected bar present per coin-day; gaps listed; spans beyond the API's retention reported as unavailable.",
    ),
    "candles_resampled_match_native": (False, "Bars resampled from 1m equal the exchange's native bars."),
}
FUNDING_CHECKS = {
    "funding_schema": (True, "Columns and types match the funding schema."),
    "funding_valid_values": (True, "Rates present and within the exchange's 4%/hour cap; premiums finite."),
    "funding_unique_increasing": (True, "One row per funding time, increasing."),
    "funding_complete": (False, "One funding row per hour per coin; missing hours listed."),
}
UNIVERSE_CHECKS = {
    "universe_schema": (True, "Columns and types match the universe schema."),
    "universe_tracked_coins_listed": (True, "Every configured coin is listed and not delisted."),
    "universe_valid_values": (
        True,
        "Unique asset ids; sane size decimals and leverage; positive context prices.",
    ),
}
