"""The documentation: a README that stays short and points at pages that exist, and a site that builds."""

import os
import re
import subprocess
import sys
import zlib
from pathlib import Path

import toolkit

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
    # Every public name of the package has an entry in the API reference, once. The site's inventory
    # (objects.inv, Sphinx format: four header lines, then zlib-compressed "name domain:role priority uri
    # display" lines) lists what mkdocstrings rendered with priority 1, and aliases (imports) with 2.
    raw = (tmp_path / "site" / "objects.inv").read_bytes().split(b"\n", 4)[4]
    entries = [line.split(" ", 3) for line in zlib.decompress(raw).decode("utf-8").splitlines()]
    rendered = [name for name, role, priority, _ in entries
                if role.startswith("py:") and role != "py:module" and priority == "1"]
    top = [name.rsplit(".", 1)[1] for name in rendered if name.count(".") == 2 and name.startswith("toolkit.")]
    public = set(toolkit.__all__) - {"__version__"}
    assert not public - set(top), f"public names missing from the API reference: {sorted(public - set(top))}"
    twice = sorted({name for name in top if name in public and top.count(name) > 1})
    assert not twice, f"public names rendered in more than one module: {twice}"
