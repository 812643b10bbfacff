"""Rebuild the source corpora of the real-text validation set from local clones of their public repositories.

The text is not shipped (the baomoi collection carries no licence; see README.md). Usage:

    python rebuild.py SCRAPER_CLONE RESOURCES_CLONE OUT

SCRAPER_CLONE is a clone of magizbox/scraper at commit 3387ada618569fd73517092f2215a89398d8f7ee and
RESOURCES_CLONE a clone of undertheseanlp/resources at commit cbdb3c3ac065d49bd047dc55ad173181f9e846e3.
OUT receives two toolkit corpus folders, baomoi/ and unc/ (corpus.csv + raw/), which draw.py reads.
"""
import csv
import subprocess
import sys
from pathlib import Path

def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, check=True).stdout

def blobs(repo, prefix, commit):
    out = git(repo, "ls-tree", "-r", commit, prefix).decode()
    for line in out.splitlines():
        meta, path = line.split("\t", 1)
        yield meta.split()[2], path

def cat_batch(repo, shas):
    p = subprocess.run(["git", "-C", repo, "cat-file", "--batch"], input=("\n".join(shas) + "\n").encode(), capture_output=True, check=True).stdout
    i = 0; res = []
    while i < len(p):
        nl = p.index(b"\n", i); header = p[i:nl].split(); size = int(header[2])
        res.append(p[nl + 1: nl + 1 + size]); i = nl + 1 + size + 1
    return res

SCRAPER_COMMIT = "3387ada618569fd73517092f2215a89398d8f7ee"
RESOURCES_COMMIT = "cbdb3c3ac065d49bd047dc55ad173181f9e846e3"


def baomoi(repo, out):
    items = list(blobs(repo, "vn_news/data/", SCRAPER_COMMIT))
    raw = Path(out, "raw"); raw.mkdir(parents=True, exist_ok=True)
    rows = []
    for k in range(0, len(items), 2000):
        chunk = items[k:k + 2000]
        for (sha, path), data in zip(chunk, cat_batch(repo, [s for s, _ in chunk])):
            name = Path(path).name
            text = data.decode("utf-8", "replace")
            if not text.strip():
                continue
            (raw / name).write_bytes(data)
            title = text.splitlines()[0].strip()
            rows.append({"doc_id": "bm" + name[:-4], "file": name, "year": 2017, "outlet": "baomoi", "title": title})
    with open(Path(out, "corpus.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0])); w.writeheader(); w.writerows(rows)
    print("baomoi", len(rows))

def unc(repo, out):
    items = list(blobs(repo, "resources/CP_Vietnamese-UNC/corpus/CP_Vietnamese-UNC/", RESOURCES_COMMIT))
    raw = Path(out, "raw"); raw.mkdir(parents=True, exist_ok=True)
    rows = []
    for (sha, path), data in zip(items, cat_batch(repo, [s for s, _ in items])):
        lines = data.decode("utf-8").splitlines()
        meta = {l[2:].split(" = ")[0]: l.split(" = ", 1)[1] for l in lines if l.startswith("# ")}
        body = [l for l in lines if not l.startswith("# ")]
        name = Path(path).name
        (raw / name).write_text("\n".join(body) + "\n", encoding="utf-8")
        rows.append({"doc_id": meta["doc_id"], "file": name, "year": int(meta["date"][:4]), "category": meta["doc_id"].split("_")[1],
                     "month": meta["date"][:6], "outlet": "dantri", "url": meta["url"], "title": body[0]})
    with open(Path(out, "corpus.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0])); w.writeheader(); w.writerows(rows)
    print("unc", len(rows))

if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    scraper, resources, out = sys.argv[1:]
    baomoi(scraper, Path(out, "baomoi"))
    unc(resources, Path(out, "unc"))
