"""The choice of k across seeds under both rules of ``tk.choose_k``, against known categories.

Two commands:

``sample``: draw a simple random sample of VNTC articles (Hoang et al. 2007; 10 sections of
VnExpress, Người Lao Động, Tuổi Trẻ and Thanh Niên, about 2004-2006) and write it as a toolkit
corpus (``corpus.csv``, ``raw/``; the year column is 2006 for every article, the corpus has no
dates). VNTC is read from the git history of magizbox/underthesea.classification (GPL-3.0; VNTC
itself is MIT, duyvuleo/VNTC), where it was committed as UTF-16 text files under
``data/vntc/raw/{Train_Full,Test_Full}/<section>/`` (commit da29b0b); exact duplicate texts are
dropped (the first kept, Train_Full then Test_Full, sections and files in name order), leaving
80,790 articles. ``--exclude-seed S`` first removes the sample that ``--seed S`` would draw, for a
second sample disjoint from the first; repeated (``--exclude-seed S1 --exclude-seed S2``), it removes
the samples drawn in that order, each from what the earlier ones left. The texts stay outside the repository.

``run``: process the corpus as the topics template does (body sentences, near-duplicates dropped,
``tk.dfm(body, by=["doc_id", category], min_docs=2, max_terms=tk.topics.MAX_TERMS)``), run
``tk.topic_selection(counts, seed=s, n_jobs=-1)`` for each seed, and print the k each rule of
``tk.choose_k`` takes and the NMI between each article's dominant topic and its category for NMF
fits (seeds 0-2) at every k tried. Tables are in bench/README.md ("A rule for k").

Usage::

    python bench/topics_rules.py sample GIT_DIR OUT_FOLDER [--n 2650] [--seed 20261206] [--exclude-seed S ...]
    python bench/topics_rules.py run CORPUS_FOLDER [--seeds 5] [--category category]
"""

from __future__ import annotations

import argparse
import functools
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd

print = functools.partial(print, flush=True)
VNTC_COMMIT = "da29b0b7a1416c582e618dcc144dff18770798e8"
VNTC_PREFIX = "data/vntc/raw/"
OUTLETS = {"VNE": "VnExpress", "TT": "Tuổi Trẻ", "TN": "Thanh Niên", "NLD": "Người Lao Động"}


def vntc_articles(git_dir: str, commit: str = VNTC_COMMIT) -> pd.DataFrame:
    """Every distinct VNTC text with its section, split and outlet, in the order described above."""
    listing = subprocess.run(["git", "--git-dir", git_dir, "ls-tree", "-r", "-z", commit, "--", VNTC_PREFIX],
                             check=True, capture_output=True).stdout.decode("utf-8").split("\0")
    entries = []
    for entry in filter(None, listing):
        meta, path = entry.split("\t", 1)
        split, section, name = path[len(VNTC_PREFIX):].split("/")
        entries.append((split != "Train_Full", section, name, split, meta.split()[2]))
    entries.sort()
    cat = subprocess.Popen(["git", "--git-dir", git_dir, "cat-file", "--batch"], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE)
    rows, seen = [], set()
    for _, section, name, split, sha in entries:
        cat.stdin.write(f"{sha}\n".encode())
        cat.stdin.flush()
        size = int(cat.stdout.readline().split()[2])
        raw = cat.stdout.read(size)
        cat.stdout.read(1)
        text = raw.decode("utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-16-le").lstrip("\ufeff")
        if not text.strip() or text in seen:
            continue
        seen.add(text)
        code = name.split("_")[1].strip() if name.count("_") >= 2 else ""
        rows.append({"source": f"{split}/{section}/{name}", "category": section, "outlet": OUTLETS.get(code, code),
                     "text": text})
    cat.stdin.close()
    cat.wait()
    return pd.DataFrame(rows)


def sample(args) -> None:
    articles = vntc_articles(args.git_dir)
    pool = np.arange(len(articles))
    for earlier in args.exclude_seed:   # each earlier sample was drawn from what the ones before it left
        pool = np.setdiff1d(pool, np.random.default_rng(earlier).choice(pool, size=args.n, replace=False))
    pick = np.sort(np.random.default_rng(args.seed).choice(pool, size=args.n, replace=False))
    drawn = articles.iloc[pick].reset_index(drop=True)
    out = Path(args.out)
    (out / "raw").mkdir(parents=True, exist_ok=True)
    rows = []
    for i, row in drawn.iterrows():
        name = f"vntc_{i:04d}.txt"
        (out / "raw" / name).write_text(row.text.strip() + "\n", encoding="utf-8")
        rows.append({"doc_id": f"vntc_{i:04d}", "file": name, "year": 2006, "category": row.category,
                     "outlet": row.outlet, "source": row.source})
    pd.DataFrame(rows).to_csv(out / "corpus.csv", index=False)
    print(f"{len(articles):,} distinct VNTC articles; {len(drawn):,} drawn (seed {args.seed}) into {out}")
    print(drawn.category.value_counts().to_string())


def run(args) -> None:
    from sklearn.metrics import normalized_mutual_info_score

    import toolkit as tk

    corpus = tk.load_corpus(args.corpus)
    categories = corpus.documents.set_index("doc_id")[args.category]
    units = tk.tokenize_units(tk.segment(corpus, unit="sentence"), progress=False)
    body = units[(units.kind == "body") & units.duplicate_of.isna()].reset_index(drop=True)
    counts = tk.dfm(body, by=["doc_id", args.category], min_docs=2, max_terms=tk.topics.MAX_TERMS)
    print(f"{counts.shape[0]:,} articles x {counts.shape[1]:,} terms")
    chosen = {}
    for seed in range(args.seeds):
        start = time.perf_counter()
        selection = tk.topic_selection(counts, counts.rows, method="nmf", seed=seed, n_jobs=-1)
        chosen[seed] = {rule: tk.choose_k(selection, rule=rule) for rule in tk.topic_choice.RULES}
        beats = tk.beats_null(selection)
        print(f"seed {seed}: {chosen[seed]}, k beating the null {list(beats.index[beats])}, "
              f"{time.perf_counter() - start:.0f} s")
        print(tk.selection_table(selection).round(3).T.to_string())
    nmi = {}
    for k in tk.default_ks(len(counts.rows)):
        values = []
        for seed in range(3):
            model = tk.fit_topics(counts, k, "nmf", seed=seed)
            dominant = tk.article_topics(model, counts.rows).set_index("doc_id").dominant.dropna()
            values.append(normalized_mutual_info_score(categories.loc[dominant.index], dominant))
        nmi[k] = float(np.mean(values))
        print(f"k = {k}: NMI {', '.join(f'{v:.3f}' for v in values)}")
    for rule in tk.topic_choice.RULES:
        ks = [chosen[s][rule] for s in chosen]
        print(f"rule {rule!r}: k = {ks}, NMI {[round(nmi[k], 2) for k in ks]}, mean {np.mean([nmi[k] for k in ks]):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    draw = commands.add_parser("sample")
    draw.add_argument("git_dir")
    draw.add_argument("out")
    draw.add_argument("--n", type=int, default=2650)
    draw.add_argument("--seed", type=int, default=20261206)
    draw.add_argument("--exclude-seed", type=int, action="append", default=[])
    go = commands.add_parser("run")
    go.add_argument("corpus")
    go.add_argument("--seeds", type=int, default=5)
    go.add_argument("--category", default="category")
    args = parser.parse_args()
    if args.command == "sample":
        sample(args)
    else:
        run(args)


if __name__ == "__main__":
    main()
