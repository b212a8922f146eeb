"""The pages whose examples the docs tests run, and their fenced code blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


@dataclass(frozen=True)
class CodeBlock:
    """One fenced block: its language tag, its text, and where it starts (``page:line``)."""

    lang: str
    text: str
    where: str


def code_blocks(*langs: str) -> list[CodeBlock]:
    """Every block tagged with one of ``langs``, page by page, in reading order."""
    found = []
    for page in PAGES:
        source = page.read_text("utf-8")
        for match in _FENCE.finditer(source):
            if match.group(1) in langs:
                line = source.count("\n", 0, match.start()) + 1
                where = f"{page.relative_to(ROOT)}:{line}"
                found.append(CodeBlock(match.group(1), match.group(2), where))
    return found
