"""python -m toolkit report on a corpus written for the test."""

import subprocess
import sys

from conftest import ROOT, write_corpus
from toolkit.__main__ import main

MANIFEST = "doc_id,file,year,province\nlc2015,a.txt,2015,Lào Cai\ncb2020,b.txt,2020,Cao Bằng\n"
FILES = {
    "a.txt": "Lào Cai đẩy mạnh thương mại biên giới\n"
             "Hai bên thống nhất tăng cường hợp tác thương mại qua cửa khẩu quốc tế Lào Cai. "
             "Kim ngạch xuất nhập khẩu tăng 12%.\nÝ kiến bạn đọc\n",
    "b.txt": "Cao Bằng tăng cường quản lý biên giới\n"
             "Bộ đội Biên phòng hai bên tuần tra chung trên tuyến biên giới. "
             "Hai bên thống nhất tăng cường hợp tác thương mại qua cửa khẩu quốc tế Lào Cai.\n"
             "Top\n",
}


def test_report_prints_the_summary(tmp_path, capsys):
    root = write_corpus(tmp_path / "mine", FILES, MANIFEST)
    assert main(["summary", str(root), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "2 documents, 6 sentence units" in out
    lines = {line.split()[0]: line.split() for line in out.splitlines() if line.strip()}
    assert lines["2015"][1:3] == ["1", "Lào"] and lines["2020"][1:3] == ["1", "Cao"]
    assert "comment_box" in out and "navigation" in out
    # The shared sentence of b.txt repeats a.txt's.
    assert "Near-duplicate sentence pairs: 1" in out and "cb2020:p02s02 lc2015:p02s01" in out


def test_report_error_is_one_clear_line(tmp_path, capsys):
    root = write_corpus(tmp_path / "bad", FILES, MANIFEST.replace("2020", "20x0"))
    assert main(["summary", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "year '20x0' is not a number" in err and "Traceback" not in err


def test_module_entry_point_runs(tmp_path):
    root = write_corpus(tmp_path / "mine", FILES, MANIFEST)
    done = subprocess.run([sys.executable, "-m", "toolkit", "summary", str(root), "--no-cache"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Removed lines by reason" in done.stdout


def test_summary_says_nothing_removed_and_groups_by_any_column(tmp_path, capsys):
    files = {"a.txt": "Quảng Ninh xử lý rác thải\nTỉnh thu gom rác trên vịnh.\n",
             "b.txt": "Điện Biên trồng rừng\nCác bản trồng rừng đầu nguồn.\n"}
    manifest = "doc_id,file,year,province,outlet\nqn1,a.txt,2005,Quảng Ninh,X\ndb1,b.txt,2015,Điện Biên,Y\n"
    root = write_corpus(tmp_path / "clean", files, manifest)
    assert main(["summary", str(root), "--no-cache", "--by", "outlet"]) == 0
    out = capsys.readouterr().out
    assert "Empty DataFrame" not in out and "Removed lines by reason (corpus.removed lists each line)\nnothing removed" in out
    assert "Documents, units and tokens per outlet" in out
    assert main(["summary", str(root), "--no-cache", "--by", "region"]) == 2
    assert "by='region' is not a manifest column" in capsys.readouterr().err


def test_every_option_has_help():
    from toolkit.__main__ import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.choices and isinstance(a.choices, dict)).choices
    assert set(subparsers) == {"summary", "report", "explore", "lab"}
    for name, sub in subparsers.items():
        for action in sub._actions:
            assert action.help and action.help.strip(), f"{name} {action.option_strings or action.dest} has no help"
    report_options = {o for a in subparsers["report"]._actions for o in a.option_strings}
    assert {"--lexicon", "--by", "--jobs", "--notebooks", "--out", "--unit", "--seed"} <= report_options
    explore_options = {o for a in subparsers["explore"]._actions for o in a.option_strings}
    assert {"--by", "--out", "--lexicon", "--periods", "--unit"} <= explore_options


def test_the_study_runs_from_its_configuration_with_the_package_anywhere(tmp_path):
    """The package knows no repository: copied away from it, it runs the study that --study names."""
    import os
    import shutil

    package = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "toolkit", package / "toolkit", ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(package)}
    work = tmp_path / "work"
    work.mkdir()

    def run(*args, cwd=work):
        return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600)

    assert run("-c", "import toolkit; print(toolkit.__file__)").stdout.startswith(str(package))
    # In the checkout itself, without --study, no corpus is found by location.
    done = run("-m", "toolkit", "summary", "--no-cache", cwd=ROOT)
    assert done.returncode == 2 and done.stderr.startswith("error: no corpus given: ") and "--study" in done.stderr
    done = run("-m", "toolkit", "summary", "--study", str(ROOT / "study.toml"), "--no-cache")
    assert done.stdout.startswith("Corpus data (the study corpus): 5 documents"), done.stderr
    before = {p: p.stat().st_mtime_ns for folder in ("figures", "notebooks") for p in (ROOT / folder).iterdir()}
    out = tmp_path / "study-report"
    done = run("-m", "toolkit", "report", "--study", str(ROOT / "study.toml"), "--notebooks", "01", "--out", str(out))
    assert "1 of 1 study notebooks executed" in done.stdout, done.stdout + done.stderr
    assert (out / "html" / "01_corpus_overview.html").exists() and (out / "notebooks" / "01_corpus_overview.ipynb").exists()
    assert {p: p.stat().st_mtime_ns for folder in ("figures", "notebooks") for p in (ROOT / folder).iterdir()} == before
    assert sorted(p.name for p in package.iterdir()) == ["toolkit"]     # nothing written beside the package


def test_the_command_line_needs_a_corpus_or_a_study(tmp_path, capsys):
    for command in (["summary"], ["explore", "--out", str(tmp_path / "e.html")], ["report", "--out", str(tmp_path / "o")]):
        assert main(command) == 2
        assert capsys.readouterr().err == ("error: no corpus given: the study corpus ships with the repository, not the "
                                           "package; pass a corpus folder (corpus.csv + raw/), or the study's "
                                           "configuration with --study\n")
    assert main(["report", "--study", str(tmp_path / "study.toml")]) == 2
    assert "study.toml: file not found" in capsys.readouterr().err
    assert not (tmp_path / "o").exists() and not (tmp_path / "e.html").exists()
