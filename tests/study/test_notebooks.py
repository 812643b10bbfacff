"""The study notebooks' readings are written from their outputs, not typed beside them."""

import re

import nbformat

from conftest import ROOT

NOTEBOOKS = ROOT / "notebooks"


def _cells(name):
    return nbformat.read(NOTEBOOKS / name, as_version=4).cells


def _shown(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        data = output.get("data", {})
        parts.append(str(data.get("text/markdown", "")))
    return "\n".join(parts)


def _reading(cells, heading):
    """The markdown cell starting with ``heading`` and the code cell after it."""
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown" and cell.source.startswith(heading):
            return cell, cells[i + 1]
    raise AssertionError(f"no cell starting with {heading!r}")


def test_the_topics_reading_is_computed_and_agrees_with_the_tables():
    cells = _cells("04_topics.ipynb")
    prose, code = _reading(cells, "## What the numbers say")
    assert not re.search(r"\d", prose.source), "numbers in the reading must come from code"
    assert code.cell_type == "code" and "display(Markdown" in code.source
    reading = _shown(code)
    # the chosen k printed by the selection cell is the k the reading states
    selection = next(_shown(c) for c in cells if c.cell_type == "code" and "chosen k:" in c.source)
    nmf = re.search(r"chosen k:.*nmf (\d+)", selection).group(1)
    assert f"NMF chooses {nmf} topics" in reading
    # and the seed count is the one the seed table printed
    seeds = next(_shown(c) for c in cells if c.cell_type == "code" and "seeds.in_vocabulary.sum()" in c.source)
    n, total = re.search(r"(\d+) of (\d+) lexicon terms are vocabulary tokens", seeds).groups()
    assert f"Only {n} of {total} lexicon terms seed a topic" in reading


def test_the_robustness_reading_is_computed_from_the_counted_variants():
    cells = _cells("06_robustness.ipynb")
    reading = next(_shown(c) for c in cells if c.cell_type == "code" and "**Reading.**" in c.source)
    summary = next(_shown(c) for c in cells if c.cell_type == "code" and "informative = verdict[" in c.source)
    assert "left out of the counts" in summary
    counted = re.findall(r"in (\d+) of (\d+) variants that can differ", reading)
    assert len(counted) == 3 and all(int(k) <= int(n) for k, n in counted)
    assert not any(re.search(r"\d", c.source) for c in cells
                   if c.cell_type == "markdown" and c.source.startswith("**Reading"))


def test_the_keywords_notebook_embeds_the_explorer_as_its_static_summary():
    cells = _cells("03_keywords.ipynb")
    code = next(c for c in cells if c.cell_type == "code" and "tk.explore(" in c.source)
    (output,) = code.outputs
    shown = output["data"]["text/html"]
    # the static fallback: plain HTML tables, no widget state and no script, so nbval and HTML export are stable
    assert "application/vnd.jupyter.widget-view+json" not in output["data"] and "<script" not in shown
    assert "5 articles, 80 body units, 3 groups of <code>year</code>" in shown
    assert "Most distinctive terms per group" in shown and "Units with a lexicon hit" in shown
