"""The bench's table: one Row per measurement, rendered to Markdown with its spread."""

from __future__ import annotations

import os
import platform
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from timing import Spread

HEADERS = ["#", "measurement", "ours", "baseline", "ratio (median)", "spread (IQR)", "target",
           "", "notes"]  # fmt: skip


@dataclass(frozen=True)
class Row:
    """One line of the table. ``target`` is a ratio limit (None: reported, no target); it is an
    upper bound unless ``higher_is_better``."""

    number: str
    what: str
    ours: str
    baseline: str
    ratio: Spread | None
    target: float | None = None
    higher_is_better: bool = False
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.target is None or self.ratio is None:
            return None
        if self.higher_is_better:
            return self.ratio.median >= self.target
        return self.ratio.median <= self.target

    def verdict(self) -> str:
        if self.met is None or self.ratio is None or self.target is None:
            return ""
        narrowly = self.ratio.low <= self.target <= self.ratio.high
        word = "met" if self.met else "**missed**"
        return f"{word}, narrowly" if narrowly else word

    def cells(self) -> list[str]:
        ratio = spread = target = ""
        if self.ratio is not None:
            ratio = f"{self.ratio.median:.3f}x"
            spread = f"{self.ratio.low:.3f} to {self.ratio.high:.3f} (n={self.ratio.rounds})"
        if self.target is not None:
            target = f"{'>=' if self.higher_is_better else '<='} {self.target:.2f}x"
        return [self.number, self.what, self.ours, self.baseline, ratio, spread, target,
                self.verdict(), self.note]  # fmt: skip


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _versions() -> str:
    names = ["kalshi-api-keys", "kalshi-python-sync", "kalshi-python-async", "httpx2", "httpcore2",
             "aiohttp", "cryptography", "uvicorn", "pydantic", "urllib3"]  # fmt: skip
    return ", ".join(f"{name} {metadata.version(name)}" for name in names)


def render(sections: list[tuple[str, list[Row], str]], seconds: float) -> str:
    """The whole report: the machine, then per section a table and how it was measured."""
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"in {seconds:.0f} s.",
        "",
        f"- CPU: {_cpu()} ({os.cpu_count()} logical cores)",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}",
        f"- {_versions()}",
        "- Contenders take turns round by round (in reverse order every other round). "
        "**ratio** is the median over rounds of ours / baseline in the same round; **spread** "
        "is the interquartile range of those per-round ratios; the verdict is judged on the "
        "median, and says *narrowly* when the target lies inside the spread. Lower is better "
        "unless the target says `>=`.",
        "",
    ]
    for title, rows, method in sections:
        lines += [f"## {title}", "", "| " + " | ".join(HEADERS) + " |",
                  "|" + "---|" * len(HEADERS)]  # fmt: skip
        lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
        lines += ["", method.strip(), ""]
    return "\n".join(lines)


def summary(rows: list[Row]) -> str:
    """One line per target: what a reader of the console wants first."""
    judged = [row for row in rows if row.met is not None]
    missed = [row.number for row in judged if not row.met]
    return (
        f"{len(judged) - len(missed)}/{len(judged)} targets met"
        + (f"; missed: {', '.join(missed)}" if missed else "")
        + "\n"
    )
