"""A timing requirement judged as a distribution, not one reading: several samples of the action,
their median against the ceiling, every sample kept as evidence. One slow reading on a shared
2-core machine says little; a median over the ceiling says the code is slow."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SAMPLES = 5
PAUSE = 0.2  # seconds between samples: a burst of other work (another lane's run) can pass


@dataclass(frozen=True)
class Timing:
    what: str
    ceiling: float
    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def within(self) -> bool:
        return self.median <= self.ceiling

    def evidence(self) -> dict[str, Any]:
        return {"what": self.what, "ceiling": self.ceiling, "median": round(self.median, 4), "samples": [round(s, 4) for s in self.samples]}

    def __str__(self) -> str:
        return f"{self.what}: median {self.median:.3f} s of {len(self.samples)} ({', '.join(f'{s:.3f}' for s in self.samples)}), ceiling {self.ceiling} s"


def timed(what: str, action: Callable[[], object], ceiling: float, samples: int = SAMPLES, pause: float = PAUSE) -> Timing:
    """`samples` timings of `action`, a pause between them."""
    taken = []
    for n in range(samples):
        if n:
            time.sleep(pause)
        started = time.perf_counter()
        action()
        taken.append(time.perf_counter() - started)
    return Timing(what, ceiling, tuple(taken))
