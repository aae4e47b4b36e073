"""``examples/core_tour.py`` runs and shows what it made."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "core_tour.py"


def test_the_core_tour_creates_users_with_their_companies() -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLE)], capture_output=True, text=True, check=True, timeout=60
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("created User(name='async', company=Company(name='Company")
    assert "tags=['admin']" in lines[0]
    assert all("tags=['new']" in line for line in lines[1:])
