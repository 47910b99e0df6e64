"""The README describes the code as it is: its module map ("How it works")
names every module of the package and of the declarations, and no module
that is gone."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

pytestmark = pytest.mark.skipif(
    not (ROOT / "cffisock").is_dir() or not README.exists(),
    reason="the source tree (README.md, cffisock/) is not beside these tests")


def test_the_module_map_names_every_module_and_no_other():
    section = README.read_text(encoding="utf-8").split("## How it works", 1)[1]
    section = section.split("\n## ", 1)[0]
    mapped = set(re.findall(r"^\| `((?:cffisock|cffi_src)/[\w/]+\.py)` \|", section, re.M))
    modules = {str(path.relative_to(ROOT)) for directory in ("cffisock", "cffi_src")
               for path in (ROOT / directory).rglob("*.py")}
    assert sorted(modules - mapped) == []
    assert sorted(mapped - modules) == []
