"""A short run of bench/load.py: readers at the site while an editor imports and rates, with nothing lost."""

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def test_mixed_traffic_while_an_editor_works(shared_database_url):
    result = subprocess.run(
        [sys.executable, "bench/load.py", "--seconds", "8", "--connections", "4", "--articles", "30"]
        + ["--status-changes", "5", "--database-url", shared_database_url, "--json"],
        cwd=PROJECT,
        env=os.environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    summary = json.loads(result.stdout)
    assert summary["requests"] > 0
    assert (summary["server_errors"], summary["database_locked"]) == (0, 0)
    assert summary["articles_imported"] == summary["articles_expected"] == 30
    assert summary["status_changes_present"] == summary["status_changes_made"] == 5
    assert result.returncode == 0
