"""The documentation: a README that stays short and points at pages that exist, and a site that builds."""

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_readme_is_short_and_its_links_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 150
    links = re.findall(r"\]\(([^)#]+)\)", readme)
    assert links, "the README links to the documentation"
    missing = [link for link in links if not link.startswith("http") and not (ROOT / link).exists()]
    assert not missing, f"README links to missing files: {missing}"


def test_site_builds_without_warnings(tmp_path):
    mkdocs = Path(sys.executable).with_name("mkdocs")
    result = subprocess.run([str(mkdocs), "build", "--strict", "--quiet", "--site-dir", str(tmp_path / "site")],
                            cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr[-3000:]
    page = (tmp_path / "site" / "measurement" / "index.html").read_text(encoding="utf-8")
    assert "design_based_shares" in page
    api = (tmp_path / "site" / "api" / "index.html").read_text(encoding="utf-8")
    assert "validation_sample" in api
