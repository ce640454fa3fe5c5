"""Star levels by the national volunteer service scale: 100/300/600/1000/1500 confirmed hours
for one to five stars."""

from dataclasses import dataclass
from decimal import Decimal

THRESHOLDS = (100, 300, 600, 1000, 1500)


@dataclass(frozen=True)
class StarProgress:
    stars: int
    hours: Decimal
    next_threshold: int | None  # None at five stars
    percent: int  # towards the next star, 0-100

    @property
    def hours_to_next(self) -> Decimal:
        return Decimal(self.next_threshold) - self.hours if self.next_threshold else Decimal(0)


def star_progress(hours) -> StarProgress:
    hours = Decimal(hours or 0)
    stars = sum(1 for t in THRESHOLDS if hours >= t)
    if stars == len(THRESHOLDS):
        return StarProgress(stars, hours, None, 100)
    low = THRESHOLDS[stars - 1] if stars else 0
    high = THRESHOLDS[stars]
    percent = int((hours - low) * 100 / (high - low))
    return StarProgress(stars, hours, high, max(0, min(100, percent)))
