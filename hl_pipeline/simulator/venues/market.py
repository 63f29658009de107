"""One venue's view of the simulated market: its symbols resolved to coins, and its request budget."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from hl_pipeline.simulator.config import CoinSpec, SimulatorConfig
from hl_pipeline.simulator.ratelimit import WeightBudget
from hl_pipeline.simulator.venues.listing import VENUES, Listing, VenueSpec


@dataclasses.dataclass(frozen=True)
class VenueMarket:
    """One listed market: the coin behind it and how the venue lists it."""

    seed: int
    coin_id: int
    coin: CoinSpec
    venue: VenueSpec
    listing: Listing


class Venue:
    """A venue of the simulator: markets by the venue's own symbol, and a per-IP budget per window."""

    def __init__(
        self,
        config: SimulatorConfig,
        venue_id: str,
        symbol: Callable[[Listing, str], str],
        budget: tuple[int, float],
    ):
        self.config, self.spec = config, VENUES[venue_id]
        self.markets: dict[str, VenueMarket] = {}
        for i, coin in enumerate(config.coins):
            listing = self.spec.listings.get(coin.name)
            if listing is not None:
                self.markets[symbol(listing, self.spec.quote)] = VenueMarket(
                    config.seed, i, coin, self.spec, listing
                )
        units, seconds = budget
        self.budget = WeightBudget(units)  # holds one window's units, refilled at the venue's pace
        self.budget.rate = units / seconds

    def admit(self, ip: str, weight: int = 1) -> bool:
        """Charge `weight` to `ip`'s budget; False when the venue would refuse the request."""
        return not self.config.rate_limit or self.budget.admit(ip, weight)

    def now(self) -> int:
        return self.config.now()

    def listed(self, symbol: str) -> bool:
        return symbol in self.markets
