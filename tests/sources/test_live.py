"""Live calls to the real services — opt-in with PEJLING_LIVE=1, skipped without a network.

They check what the recorded responses cannot: that every shipped mapping's variables and codes
exist in today's StatBank tables, and that the formats still look as documented.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from pejling.sources.cache import ResponseCache
from pejling.sources.jobindsats import KEY_ENV, JobindsatsClient
from pejling.sources.mapping import check_against_table, load_mappings
from pejling.sources.refresh import request_selection
from pejling.sources.statbank import StatBankClient
from pejling.spec.catalog import load_catalog

pytestmark = pytest.mark.skipif(
    os.environ.get("PEJLING_LIVE") != "1", reason="live calls are opt-in: PEJLING_LIVE=1"
)


def reachable(host: str) -> bool:
    try:
        with socket.create_connection((host, 443), timeout=5):
            return True
    except OSError:
        return False


def test_shipped_mappings_against_todays_statbank(tmp_path: Path) -> None:
    if not reachable("api.statbank.dk"):
        pytest.skip("no network to api.statbank.dk")
    client = StatBankClient(ResponseCache(tmp_path))
    for item in load_mappings(load_catalog()):
        info = client.tableinfo(item.mapping.table).value
        problems = check_against_table(item, info)
        assert problems == [], "\n".join(p.render() for p in problems)
        selection = request_selection(item.mapping, info)
        assert selection
    info = client.tableinfo("FOLK1A").value
    got = client.data(info, {"OMRÅDE": ["000", "101"], "KØN": ["TOT"], "ALDER": ["IALT"],
                             "CIVILSTAND": ["TOT"], "Tid": ["(1)"]})  # fmt: skip
    assert len(got.value.cells) == 2
    assert all(c.value is not None and c.value > 0 for c in got.value.cells)


def test_jobindsats_table_with_a_key(tmp_path: Path) -> None:
    if not os.environ.get(KEY_ENV):
        pytest.skip(f"no jobindsats key in {KEY_ENV}")
    if not reachable("api.jobindsats.dk"):
        pytest.skip("no network to api.jobindsats.dk")
    info = JobindsatsClient(ResponseCache(tmp_path)).table("y30r21").value
    assert info.periods
