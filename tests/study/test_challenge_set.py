"""The frozen out-of-sample challenge set for the theme lexicon.

``data/validation/challenge/challenge.csv`` was hand-coded by the rules in
``data/validation/challenge/coding_rules.md`` and frozen before lexicon v2 was
tuned. These tests pin it: any change to the file must be deliberate (update
the hash here in the same commit and say why), and the drawn part must be
reproducible from UD-VTB with the documented seed.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import re
import unicodedata
from collections import Counter

import pytest

from conftest import ROOT
from toolkit import normalize_text

CHALLENGE_DIR = ROOT / "data" / "validation" / "challenge"
CSV_PATH = CHALLENGE_DIR / "challenge.csv"
RAW_DIR = ROOT / "data" / "raw"

# SHA-256 of challenge.csv as frozen. Change only together with the data, on purpose.
FROZEN_SHA256 = "fb0b6c901eda029f91c0aab587f6942626dd1b147decebca576b7cc763ca2d85"

THEMES = ("economic_diplomacy", "border_security", "people_to_people")
COLUMNS = [
    "item_id", "source", "source_id", "domain", "province", "text",
    *THEMES, "split", "note",
]


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"challenge_{name}", CHALLENGE_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    with open(CSV_PATH, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def test_file_is_frozen():
    digest = hashlib.sha256(CSV_PATH.read_bytes()).hexdigest()
    assert digest == FROZEN_SHA256, (
        "challenge.csv changed; the set is frozen. If the change is deliberate, "
        f"update FROZEN_SHA256 to {digest} and record why in the commit message."
    )


def test_size_ids_and_vocabularies(rows):
    assert len(rows) >= 200
    ids = [r["item_id"] for r in rows]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"ch\d{3}", i) for i in ids)
    assert ids == sorted(ids)
    assert {r["source"] for r in rows} == {"ud-vtb-train", "ud-vtb-dev", "written"}
    assert {r["domain"] for r in rows} == {"foreign_affairs", "domestic"}
    assert {r["split"] for r in rows} == {"tune", "test"}
    for r in rows:
        assert all(r[t] in ("0", "1") for t in THEMES), r["item_id"]
        if r["source"] == "written":
            assert r["province"] and not r["source_id"], r["item_id"]
        else:
            assert r["source_id"].startswith(r["source"].split("-")[-1]) and not r["province"], r["item_id"]


def test_text_is_nfc_with_modern_tone_placement(rows):
    texts = [r["text"] for r in rows]
    assert len(set(texts)) == len(texts)
    for r in rows:
        assert unicodedata.is_normalized("NFC", r["text"]), r["item_id"]
        assert normalize_text(r["text"]) == r["text"], r["item_id"]
        assert r["text"] == r["text"].strip() and "\n" not in r["text"], r["item_id"]


def test_domestic_sentences_carry_no_theme(rows):
    # Rule: "domestic" sentences are about domestic affairs and expected to carry no theme.
    domestic = [r for r in rows if r["domain"] == "domestic"]
    assert len(domestic) >= 100
    assert all(r[t] == "0" for r in domestic for t in THEMES)


def test_adjudicated_rules_are_applied_consistently(rows):
    by_text = {r["text"]: r for r in rows}
    # Foreign NGO aid is always people-to-people.
    ngo = [r for r in rows if re.search(r"phi chính phủ|World Vision|Tầm nhìn Thế giới|Plan International|Oxfam|Caritas|Room to Read", r["text"])]
    assert len(ngo) >= 8
    assert all(r["people_to_people"] == "1" for r in ngo)
    # ... and also economic when counted as mobilised funding (hand-checked rows).
    counted = by_text["Giai đoạn 2021-2025, Lai Châu thu hút 35 dự án ODA và viện trợ phi chính phủ nước ngoài với tổng vốn hơn 2.600 tỷ đồng."]
    assert (counted["economic_diplomacy"], counted["people_to_people"]) == ("1", "1")
    output_only = by_text["Tổ chức World Vision đã viện trợ xây dựng 3 điểm trường mầm non tại huyện Mường Chà."]
    assert (output_only["economic_diplomacy"], output_only["people_to_people"]) == ("0", "1")
    # A list of fields is coded for each field it names.
    fields = by_text["Hội nhập quốc tế trên các lĩnh vực kinh tế, chính trị, quốc phòng, an ninh, văn hóa, xã hội được tỉnh Kon Tum triển khai đồng bộ."]
    assert [fields[t] for t in THEMES] == ["1", "1", "1"]
    # Names are not relations: Hữu Nghị hospitals, streets and schools, Lào Cai.
    named = [r for r in rows if re.search(r"(Bệnh viện|Đường|[Tt]rường( tiểu học)?) Hữu [Nn]ghị", r["text"])]
    assert len(named) >= 3
    assert all(r["people_to_people"] == "0" for r in named)
    lao_cai_domestic = [r for r in rows if "Lào Cai" in r["text"] and r["domain"] == "domestic"]
    assert len(lao_cai_domestic) >= 3
    # Cross-border trafficking is border security.
    trafficking = [r for r in rows if re.search(r"lừa bán|mua bán người", r["text"])]
    assert len(trafficking) >= 3 and all(r["border_security"] == "1" for r in trafficking)


def test_each_theme_has_enough_foreign_affairs_positives(rows):
    written = [r for r in rows if r["source"] == "written" and r["domain"] == "foreign_affairs"]
    for t in THEMES:
        assert sum(r[t] == "1" for r in written) >= 35, t
    assert sum(all(r[t] == "0" for t in THEMES) for r in written) >= 8
    assert sum(sum(r[t] == "1" for t in THEMES) >= 2 for r in written) >= 10


def test_halves_are_present_and_balanced(rows):
    halves = {h: [r for r in rows if r["split"] == h] for h in ("tune", "test")}
    assert abs(len(halves["tune"]) - len(halves["test"])) <= 2
    domestic = {h: sum(r["domain"] == "domestic" for r in part) for h, part in halves.items()}
    assert abs(domestic["tune"] - domestic["test"]) <= 2
    for t in THEMES:
        pos = {h: sum(r[t] == "1" for r in part) for h, part in halves.items()}
        assert min(pos.values()) >= 15, t
        assert abs(pos["tune"] - pos["test"]) <= 3, (t, pos)


def test_split_script_reproduces_the_split_column(rows):
    split = _load("split")
    coded = [{**r, **{t: int(r[t]) for t in THEMES}} for r in rows]
    assert split.assign(coded) == {r["item_id"]: r["split"] for r in rows}


def test_no_sentence_comes_from_the_study_corpus(rows):
    files = sorted(RAW_DIR.glob("*.txt"))
    assert len(files) == 5
    corpus = normalize_text("\n".join(p.read_text(encoding="utf-8") for p in files))
    squeezed = " ".join(corpus.split()).lower()
    for r in rows:
        assert " ".join(r["text"].split()).lower() not in squeezed, r["item_id"]
    # Nor does any sentence share a run of ten syllables with the corpus.
    def runs(text, n=10):
        syl = re.findall(r"[^\W_]+", text.lower())
        return {tuple(syl[i:i + n]) for i in range(len(syl) - n + 1)}
    corpus_runs = runs(corpus)
    shared = [r["item_id"] for r in rows if runs(r["text"]) & corpus_runs]
    assert shared == []


def test_draw_script_reproduces_the_ud_part(rows):
    draw_ud = _load("draw_ud")
    drawn = draw_ud.draw()
    ud_rows = [r for r in rows if r["source"] != "written"]
    assert [(d["source"], d["source_id"], d["text"]) for d in drawn] == [
        (r["source"], r["source_id"], r["text"]) for r in ud_rows
    ]
    # The script's own output file holds the same sentences.
    with open(CHALLENGE_DIR / "ud_drawn.csv", encoding="utf-8", newline="") as fh:
        stored = list(csv.DictReader(fh))
    assert [(s["source_id"], s["word"], s["text"]) for s in stored] == [
        (d["source_id"], d["word"], d["text"]) for d in drawn
    ]
    # Every drawn sentence contains the word that drew it, and no word drew more than six.
    for d in drawn:
        assert draw_ud.contains(draw_ud.syllables(d["text"]), d["word"]), d["source_id"]
    assert max(Counter(d["word"] for d in drawn).values()) <= 6


def test_detokenize_undoes_treebank_spacing():
    draw_ud = _load("draw_ud")
    assert draw_ud.detokenize('Ông nói : " Tốt lắm " , rồi đi LBKT ngay RBKT .') == 'Ông nói: "Tốt lắm", rồi đi (ngay).'
    # Syllable match is on whole syllables: "Lào" matches "Lào Cai", "lao" (no tone) does not match "Lào".
    assert draw_ud.contains(draw_ud.syllables("Tỉnh Lào Cai"), "Lào")
    assert not draw_ud.contains(draw_ud.syllables("lao động"), "Lào")
    assert not draw_ud.contains(draw_ud.syllables("hợp tác xã"), "hợp tác xã viên")
