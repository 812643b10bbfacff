"""The shipped data: raw articles unchanged, manifest complete, attributions present."""

import hashlib

import pandas as pd

from conftest import DATA, ROOT

# SHA-256 of the study articles as collected; raw data is never edited.
RAW_SHA256 = {
    "000_a18c690d021fd9c0.txt": "220820143df293cd5790827bfed70ca8bc24904bceabf458ce1b8d80d32a3681",
    "001_ed5a50f5b8977e8f.txt": "17d5fd0318c57717031cee9595e14f63681635fad237ee89bff821fe3d6b183d",
    "002_d760501060c74556.txt": "54e477e46d0d5ec78eb8c891ac2162647b52c97466da869fb20e4e3aaf207685",
    "003_b629d63b9384d01c.txt": "91f34823aee3e2aa9e412ecc589e82939c1a7e89ca85c1e6aafa2def8088eace",
    "004_965af3c84078abe2.txt": "a3fbc206f67e5ca957875cac6d9fac5c9fe3d072d118290a617b0aa529983308",
}


def test_raw_articles_are_unchanged():
    found = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (DATA / "raw").iterdir()}
    assert found == RAW_SHA256


def test_manifest_describes_every_article_with_its_period():
    manifest = pd.read_csv(DATA / "corpus.csv", dtype=str, keep_default_na=False)
    assert set(manifest["file"]) == set(RAW_SHA256)
    years = dict(zip(manifest["file"], manifest["year"].astype(int)))
    # Periods from SOURCES.md: 002 is Lạng Sơn 2012, 001 is 2023, the rest 2017.
    assert years["002_d760501060c74556.txt"] == 2012
    assert years["001_ed5a50f5b8977e8f.txt"] == 2023
    assert sorted(years.values()).count(2017) == 3
    provinces = dict(zip(manifest["file"], manifest["province"]))
    assert provinces["002_d760501060c74556.txt"] == "Lạng Sơn"
    assert {p for f, p in provinces.items() if f != "002_d760501060c74556.txt"} == {"Hà Giang"}


def test_third_party_data_keeps_its_licence_and_attribution():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for needle in ("CC BY-SA 4.0", "MIT", "stopwords/vietnamese-stopwords", "UD_Vietnamese-VTB"):
        assert needle in readme
    assert (DATA / "benchmarks" / "ud-vi-vtb" / "LICENSE.txt").read_text().startswith("Attribution-ShareAlike")
    assert (ROOT / "toolkit" / "resources" / "stopwords" / "README.md").exists()


def test_shipped_real_counts_carry_their_gpl_licence_and_no_text():
    folder = DATA / "real_counts" / "unc"
    assert sorted(p.name for p in folder.iterdir()) == ["COPYING", "LICENSE", "README.md", "articles.csv",
                                                         "counts.parquet"]
    assert (folder / "COPYING").read_text(encoding="utf-8").lstrip().startswith("GNU GENERAL PUBLIC LICENSE")
    note = (folder / "LICENSE").read_text(encoding="utf-8")
    assert "GNU General Public License, version 3" in note and "undertheseanlp/resources" in note
    assert "this folder only" in note and "MIT" in note
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for needle in ("undertheseanlp/resources", "cbdb3c3ac065d49bd047dc55ad173181f9e846e3", "GPL-3.0", "Dân trí",
                   "python data/real_counts/build.py"):
        assert needle in readme
    assert "real_counts/unc/" in (DATA / "README.md").read_text(encoding="utf-8")
    # Counts only: the two files have no column that could hold text.
    assert list(pd.read_parquet(folder / "counts.parquet").columns) == ["doc_id", "term", "count"]
    assert list(pd.read_csv(folder / "articles.csv", nrows=1).columns) == ["doc_id", "category", "year", "n_tokens"]
