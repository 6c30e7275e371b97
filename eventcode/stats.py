"""Counts of what the codebooks hold, and which CAMEO codes no pattern reaches."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .codebooks import Codebooks


def codebook_stats(codebooks: Codebooks) -> dict[str, Any]:
    """Count each kind of entry, patterns per root, and the codes no pattern reaches.

    Args:
        codebooks: Loaded codebooks.

    Returns:
        Plain data: `event_codes`, `verb_patterns`, `leaf_codes_reached`, `countries`,
        `name_forms`, `organizations`, `persons`, `office_periods`, `agents`, `discards`,
        `patterns_per_root`, `roots_reached`, `codes_not_reached`.
    """
    reached = {p.code for p in codebooks.patterns}
    leaves = [c for c in codebooks.event_types if len(c) > 2]
    countries = [e for e in codebooks.names if e.kind == "country"]
    people = [e for e in codebooks.names if e.kind == "person" and not e.generated]
    per_root = Counter(p.code[:2] for p in codebooks.patterns)
    return {
        "event_codes": len(codebooks.event_types),
        "verb_patterns": len(codebooks.patterns),
        "noun_patterns": sum(p.nominal for p in codebooks.patterns),
        "leaf_codes": len(leaves),
        "leaf_codes_reached": sum(c in reached for c in leaves),
        "roots_reached": len({c[:2] for c in reached}),
        "countries": len({e.code for e in countries if len(e.code) == 3}),
        "name_forms": len(countries),
        "places": sum(e.kind == "place" for e in codebooks.names),
        "organizations": len({e.key for e in codebooks.names if e.kind == "organization"}),
        "organization_name_forms": sum(e.kind == "organization" for e in codebooks.names),
        "persons": len({e.key for e in people}),
        "office_periods": len({(e.key, e.start) for e in people}),
        "agents": len(codebooks.agents),
        "discards": len(codebooks.discards),
        "patterns_per_root": dict(sorted(per_root.items())),
        "codes_not_reached": [c for c in leaves if c not in reached],
    }
