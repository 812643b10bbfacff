"""Turn the Underthesea News Corpus (UNC) into a corpus folder the toolkit reads.

The UNC (undertheseanlp/resources, ``resources/CP_Vietnamese-UNC``, GPL-3.0) holds 2,653 Dân trí
articles, one file each, in ``datasets/CP_Vietnamese-UNC/``: a few ``# key = value`` header lines
(doc_id, url, date), then the article, one sentence or caption per line. This writes
``OUT/corpus.csv`` (doc_id, file, year, category, outlet, url) and ``OUT/raw/<file>`` without the
header lines. The text stays outside this repository (no licence to ship it here)::

    python data/validation/cleaning/prepare_unc.py RESOURCES/resources/CP_Vietnamese-UNC/datasets/CP_Vietnamese-UNC OUT
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path


def main(source: str, out: str) -> int:
    source_dir, out_dir = Path(source), Path(out)
    (out_dir / "raw").mkdir(parents=True, exist_ok=True)
    rows = []
    for path in sorted(source_dir.glob("*.txt")):
        meta, body = {}, []
        for line in path.read_text(encoding="utf-8").split("\n"):
            if not body and line.startswith("# ") and " = " in line:
                key, value = line[2:].split(" = ", 1)
                meta[key.strip()] = value.strip()
            else:
                body.append(line)
        (out_dir / "raw" / path.name).write_text("\n".join(body), encoding="utf-8")
        rows.append({"doc_id": meta.get("doc_id", path.stem), "file": path.name, "year": meta["date"][:4],
                     "category": path.stem.split("_")[1], "outlet": "dantri", "url": meta.get("url", "")})
    with open(out_dir / "corpus.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} articles written to {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
