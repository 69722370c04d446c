"""Per-page citation numbering: first use gets 1, a repeated id reuses its number.

Owns: numbers, uses and their lines, and the anchors that tie a marker to its entry.
Does not own: records (it only sees ids) or how markers and entries look (render.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field


def entry_anchor(record_id: str) -> str:
    """The id of a record's entry in Sources cited: keyed by record id, so it survives renumbering."""
    return f"source-{record_id}"


def use_anchor(record_id: str, use: int) -> str:
    return f"cite-{record_id}-{use}"


@dataclass(frozen=True)
class CiteUse:
    """One marker on a page: which record, its number, its n-th use of that record, and its line."""

    record_id: str
    number: int
    use: int
    line: int

    @property
    def anchor(self) -> str:
        return use_anchor(self.record_id, self.use)


@dataclass
class Citations:
    """The citations of one page, in the order they were placed."""

    uses: list[CiteUse] = field(default_factory=list)
    _numbers: dict[str, int] = field(default_factory=dict)

    def cite(self, record_id: str, line: int) -> CiteUse:
        number = self._numbers.setdefault(record_id, len(self._numbers) + 1)
        use = sum(1 for u in self.uses if u.record_id == record_id) + 1
        placed = CiteUse(record_id, number, use, line)
        self.uses.append(placed)
        return placed

    def entries(self) -> list[tuple[int, str, list[CiteUse]]]:
        """(number, record id, its uses) for each cited record, in number order."""
        return [
            (number, record_id, [u for u in self.uses if u.record_id == record_id])
            for record_id, number in sorted(self._numbers.items(), key=lambda item: item[1])
        ]

    @property
    def record_ids(self) -> list[str]:
        return list(self._numbers)
