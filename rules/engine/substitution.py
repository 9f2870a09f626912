"""Equal or reduced substitution of new energy use (等量减量替代), 方案（十二）.

Required when the region is behind its basic target and the industry is high-energy, unless the
project is a national major project (方案（六））. required = counted × the region's ratio
(1.0 equal, above 1 reduced); provided = Σ verified savings; shortfall = max(0, required −
provided). ``provided_tce`` is reported whether or not substitution is required.
"""

from __future__ import annotations

from collections.abc import Iterable

from rules.engine.types import SubstitutionResult, SubstitutionSource


def provided_tce(sources: Iterable[SubstitutionSource]) -> float:
    return sum((source.saved_tce for source in sources), 0.0)


def evaluate(
    *,
    required: bool,
    counted_tce: float,
    ratio: float,
    sources: Iterable[SubstitutionSource],
) -> SubstitutionResult:
    provided = provided_tce(sources)
    if not required:
        return SubstitutionResult(
            required=False, ratio=None, required_tce=0.0, provided_tce=provided, shortfall_tce=0.0
        )
    needed = counted_tce * ratio
    return SubstitutionResult(
        required=True,
        ratio=ratio,
        required_tce=needed,
        provided_tce=provided,
        shortfall_tce=max(0.0, needed - provided),
    )
