"""The pack station's scan check: each scan (a GTIN or a sku) taken against what a fulfillment
order holds, or refused with a reason naming it. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

GTIN_LENGTHS = (8, 12, 13, 14)


@dataclass(frozen=True)
class PackLine:
    """What a fulfillment order should hold of one sku; `gtin` is its product's barcode."""

    sku: str
    quantity: int
    gtin: str | None = None


@dataclass(frozen=True)
class ScanOutcome:
    """One scan's answer: the sku it was packed as, or why it was refused."""

    sku: str | None = None
    reason: str | None = None

    @property
    def accepted(self) -> bool:
        return self.sku is not None


@dataclass(frozen=True)
class RefusedScan:
    index: int
    scan: str
    reason: str


@dataclass(frozen=True)
class ScanResult:
    packed: dict[str, int]  # every sku of the order, in line order, 0 when none yet
    refused: list[RefusedScan]
    missing: dict[str, int]  # only the skus still short

    @property
    def complete(self) -> bool:
        return not self.missing and not self.refused


class PackCheck:
    """The running check of one order at the pack station, scan by scan."""

    def __init__(self, lines: Iterable[PackLine]) -> None:
        self._wanted: dict[str, int] = {}
        self._by_gtin: dict[str, list[str]] = {}
        for line in lines:
            if line.quantity < 1:
                raise ValueError(f"{line.sku}: quantity must be at least 1")
            self._wanted[line.sku] = self._wanted.get(line.sku, 0) + line.quantity
            if line.gtin is not None:
                self._add_gtin(line.sku, line.gtin)
        self._packed = dict.fromkeys(self._wanted, 0)
        self._refused: list[RefusedScan] = []
        self._scans = 0

    def _add_gtin(self, sku: str, gtin: str) -> None:
        key = _gtin_key(gtin.strip())
        if key is None:
            raise ValueError(f"{sku}: {gtin!r} is not a GTIN-8/12/13/14")
        skus = self._by_gtin.setdefault(key, [])
        if sku not in skus:
            skus.append(sku)

    def scan(self, scan: str) -> ScanOutcome:
        code = scan.strip()  # scanners end a read with a newline or a tab
        outcome = self._judge(code)
        if outcome.sku is not None:
            self._packed[outcome.sku] += 1
        else:
            self._refused.append(RefusedScan(self._scans, code, outcome.reason or ""))
        self._scans += 1
        return outcome

    @property
    def result(self) -> ScanResult:
        missing = {sku: wanted - self._packed[sku] for sku, wanted in self._wanted.items()
                   if self._packed[sku] < wanted}
        return ScanResult(dict(self._packed), list(self._refused), missing)

    def _judge(self, code: str) -> ScanOutcome:
        skus = self._matches(code)
        if not skus:
            return ScanOutcome(reason=f"{code} is not in this order" if code
                               else "the scan was empty")
        # One GTIN on two skus of the order: they are the same goods, so fill them in turn.
        room = next((sku for sku in skus if self._packed[sku] < self._wanted[sku]), None)
        if room is not None:
            return ScanOutcome(sku=room)
        full = " and ".join(f"all {self._wanted[sku]} of {sku}" for sku in skus)
        return ScanOutcome(reason=f"{full} are already packed")

    def _matches(self, code: str) -> list[str]:
        # The sku as typed wins over a barcode read: an exact match beats a normalised one, so
        # a sku made of digits is never taken for another product's GTIN.
        if code in self._wanted:
            return [code]
        key = _gtin_key(code)
        return self._by_gtin.get(key, []) if key else []


def check_scans(lines: Iterable[PackLine], scans: Iterable[str]) -> ScanResult:
    """A whole list of scans at once, in the order they were read."""
    check = PackCheck(lines)
    for scan in scans:
        check.scan(scan)
    return check.result


def _gtin_key(code: str) -> str | None:
    # GTIN-8/12/13 are GTIN-14s with leading zeros (GS1), so all compare as 14 digits.
    # isascii: other scripts' digits pass isdigit, yet are no barcode.
    if code.isascii() and code.isdigit() and len(code) in GTIN_LENGTHS:
        return code.zfill(14)
    return None
