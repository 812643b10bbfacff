"""The article files of a corpus: finding each manifest entry in ``raw/`` and decoding it.

File names are matched under Unicode normalisation and tone placement, paths are kept inside the
corpus folder, and legacy encodings (TCVN3, VNI, a Windows code page without its ``encoding``) and
saved web pages are recognised and refused with the fix. Used by :mod:`toolkit.corpus`.
"""

from __future__ import annotations

import codecs
import os
import re
import unicodedata
from pathlib import Path

from .errors import CorpusError, ManifestError
from .manifest import _describe, _line_of, _name_key, _row_label

# -- file names: identifiers matched under Unicode normalisation and tone placement ----------


def _within_one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)):] == b[i + 1:]


def _near_misses(name: str, on_disk: list[str]) -> list[str]:
    key = _name_key(name).casefold()
    stem, base = os.path.splitext(key)[0], key.rsplit("/", 1)[-1]
    out = []
    for rel in on_disk:
        other = _name_key(rel).casefold()
        if other == key or ("\\" in key and other == key.replace("\\", "/")):   # '\' alone is resolved
            out.append(f"{rel!r} (differs in upper/lower case)")
        elif os.path.splitext(other)[0] == stem:
            out.append(f"{rel!r} (differs in extension)")
        elif other.rsplit("/", 1)[-1] == base:
            out.append(f"{rel!r} (in another folder)")
        elif _within_one_edit(other, key):
            out.append(f"{rel!r} (differs by one character)")
    return out[:3]


def _walk(raw_dir: Path) -> tuple[list[str], set[str]]:
    """Files under ``raw_dir`` (sorted relative POSIX names; hidden files skipped) and those that are links.

    Like ``Path.rglob("*")``: folders reached through a symbolic link are not entered.
    """
    files, links = [], set()
    stack = [("", str(raw_dir))]
    while stack:
        prefix, folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir():
                    if not entry.is_symlink():
                        stack.append((rel + "/", entry.path))
                elif entry.is_file() and not entry.name.startswith("."):
                    files.append(rel)
                    if entry.is_symlink():
                        links.add(rel)
    return sorted(files), links


def _check_inside(raw_dir: Path, name: str, label: str, written: str | None = None) -> None:
    candidate = Path(name)
    if candidate.is_absolute() or ".." in candidate.parts:
        raise ManifestError(f"{label}: file {(written or name)!r} must be a relative path inside {raw_dir}")


def _resolve(raw_dir: Path, full: Path, name: str, label: str) -> Path:
    try:
        inside = full.resolve().is_relative_to(raw_dir.resolve())
    except OSError:
        inside = False
    if not inside:
        raise ManifestError(f"{label}: file {name!r} resolves outside {raw_dir} (a symlink?); refused")
    return full


def _find_file(raw_dir: Path, name: str, doc_id: str, label: str, by_key: dict[str, list[str]],
               on_disk: list[str]) -> Path:
    """The file a manifest name stands for: the exact name, else the one file equal under NFC and tone placement."""
    _check_inside(raw_dir, name, label)
    exact = raw_dir / name
    if exact.is_file():
        return _resolve(raw_dir, exact, name, label)
    candidates = by_key.get(_name_key(name), [])
    if len(candidates) > 1:
        raise ManifestError(
            f"{label}: file {name!r} (doc_id {doc_id}) matches {len(candidates)} files in {raw_dir} that differ "
            f"only in Unicode normalisation or tone placement: "
            + "; ".join(f"{c!r} ({_describe(c)})" for c in candidates)
            + ". Rename or remove all but one"
        )
    if candidates:
        return _resolve(raw_dir, raw_dir / candidates[0], name, label)
    if "\\" in name:
        found = _backslash_candidates(raw_dir, name, label, by_key)
        if len(found) > 1:
            raise ManifestError(
                f"{label}: file {name!r} (doc_id {doc_id}) is written with '\\' (Windows); read with '/' it matches "
                f"{len(found)} files in {raw_dir}: {', '.join(map(repr, found))}. Write the path with '/' and "
                "the folder it is in"
            )
        if found:
            return _resolve(raw_dir, raw_dir / found[0], name, label)
    near = _near_misses(name, on_disk)
    hint = f"; did you mean {' or '.join(near)}?" if near else "."
    raise ManifestError(
        f"{label}: file {name!r} (doc_id {doc_id}) not found in {raw_dir}{hint} "
        "Fix the name, add the file or delete the row"
    )


def _backslash_candidates(raw_dir: Path, name: str, label: str, by_key: dict[str, list[str]]) -> list[str]:
    """Files a path written with Windows backslashes can mean: read with '/', inside the raw folder or, when it
    starts with the raw folder's own name (``raw\\a.txt``, relative to the corpus folder), inside that folder."""
    slashed = name.replace("\\", "/")
    forms = [slashed]
    head, _, rest = slashed.partition("/")
    if rest and head.casefold() == raw_dir.name.casefold():
        forms.append(rest)
    found: list[str] = []
    for form in forms:
        _check_inside(raw_dir, form, label, written=name)
        if (raw_dir / form).is_file():
            matches = [form]
        else:
            matches = by_key.get(_name_key(form), [])
            if len(matches) > 1:   # one form that names several files: ambiguous as well
                return matches
        found += [m for m in matches if m not in found]
    return found


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"), (codecs.BOM_UTF8, "utf-8-sig"),
)


# Vietnamese letters outside Latin-1: what Unicode Vietnamese text is full of.
_VIET_RE = re.compile("[\u1ea0-\u1ef9\u0102\u0103\u0110\u0111\u01a0\u01a1\u01af\u01b0\u0300\u0301\u0303\u0309\u0323]")


# Latin-1 characters that Vietnamese does not use: TCVN3 (ABC) and VNI text
# read as Windows-1252 or Latin-1 is full of them ("Hµ Néi", "Vieät Nam").
_LEGACY_RE = re.compile("[\u00a1-\u00bf\u00c4-\u00c7\u00cb\u00ce-\u00d1\u00d6-\u00d8\u00db\u00dc"
                        "\u00de-\u00df\u00e4-\u00e7\u00eb\u00ee-\u00f1\u00f6-\u00f8\u00fb\u00fc\u00fe\u00ff]")


_ASCII_LETTER_RE = re.compile("[A-Za-z]")


_HTML_PAGE_RE = re.compile(r"^\s*(<!doctype\s+html|<html[\s>])", re.IGNORECASE)


_LEGACY_FIX = ("Convert it to Unicode with a TCVN3/VNI converter (e.g. UniKey's converter) before loading; "
               "it is not analysed as Vietnamese")


def _check_page(text: str, path: Path) -> None:
    if _HTML_PAGE_RE.match(text[:1000]):
        raise CorpusError(
            f"{path}: is an HTML page, not article text; extract the article (save the page as text, "
            "or copy the article body into a .txt file) and load that"
        )


def _is_legacy_line(line: str) -> bool:
    """A line of TCVN3/VNI text read as Unicode: words of ASCII letters mixed with symbols Vietnamese does not use."""
    if not _LEGACY_RE.search(line):
        return False
    legacy = _LEGACY_RE.findall(line)
    if len(legacy) < 3:
        return False
    words = line.split()
    odd = [w for w in words if _LEGACY_RE.search(w) and _ASCII_LETTER_RE.search(w)]
    return len(odd) >= 3 and len(odd) >= 0.3 * len(words) and len(legacy) > len(_VIET_RE.findall(line))


def _check_legacy(text: str, path: Path, legacy_lines: list[int], n_lines: int, samples: dict[int, str]) -> None:
    """Refuse TCVN3/VNI text: a whole file of it, or lines of it pasted into a Unicode file."""
    legacy = len(_LEGACY_RE.findall(text))
    vietnamese = len(_VIET_RE.findall(text))
    whole = legacy >= 10 and legacy > 0.01 * len(text) and legacy > vietnamese
    if whole or (legacy_lines and len(legacy_lines) * 2 >= n_lines):
        where = f" (lines {', '.join(map(str, legacy_lines[:5]))}{'...' if len(legacy_lines) > 5 else ''})" if legacy_lines else ""
        raise CorpusError(
            f"{path}: looks like Vietnamese in a legacy 8-bit font encoding (TCVN3/ABC or VNI) read as "
            f"Unicode{where}: {legacy} characters such as {''.join(sorted(set(_LEGACY_RE.findall(text)))[:8])!r} "
            f"that Vietnamese does not use, and only {vietnamese} Vietnamese letters. {_LEGACY_FIX}"
        )
    if legacy_lines:
        first = legacy_lines[0]
        raise CorpusError(
            f"{path}, line {first}: looks like Vietnamese in a legacy 8-bit font encoding (TCVN3/ABC or VNI) "
            f"pasted into a Unicode file: {samples[first][:60]!r}"
            + (f" ({len(legacy_lines)} such lines: {', '.join(map(str, legacy_lines[:5]))})" if len(legacy_lines) > 1 else "")
            + f". {_LEGACY_FIX.replace('Convert it', 'Convert those lines')}"
        )


def _utf_without_bom(data: bytes) -> str | None:
    """'utf-16-le', 'utf-16-be', 'utf-32-le' or 'utf-32-be' when the zero bytes fall in that codec's pattern."""
    sample = data[:65536]
    if len(sample) < 8 or sample.count(0) < 4:
        return None
    for width, codec in ((4, "utf-32"), (2, "utf-16")):
        columns = [sample[i::width] for i in range(width)]
        zero = [c.count(0) / max(len(c), 1) for c in columns]
        # Mostly-ASCII text: the high bytes are zero, the low byte almost never.
        if zero[0] <= 0.05 and min(zero[1:]) >= 0.3:
            return f"{codec}-le"
        if zero[-1] <= 0.05 and min(zero[:-1]) >= 0.3:
            return f"{codec}-be"
    return None


def _decode(data: bytes, encoding: str, path: Path) -> str:
    is_utf8 = encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")
    if is_utf8:
        # A byte-order mark names the encoding for us (documented repair).
        for bom, name in _BOMS:
            if data.startswith(bom):
                return data.decode(name)
        wide = _utf_without_bom(data)
        if wide:
            width = "every other byte" if wide.startswith("utf-16") else "three bytes in four"
            raise CorpusError(
                f"{path}: looks like {wide.upper()} without a byte-order mark ({width} is zero, as in "
                f"{data[:8]!r}), not UTF-8; set encoding={wide} in its manifest row, or save the file as UTF-8"
            )
    else:
        try:
            as_utf8 = data.decode("utf-8")
        except UnicodeDecodeError:
            as_utf8 = None
        if as_utf8 is not None and len(_VIET_RE.findall(unicodedata.normalize("NFC", as_utf8))) >= 3:
            raise CorpusError(
                f"{path}: is valid UTF-8 Vietnamese text, but its manifest row says encoding={encoding}, which "
                "would garble it; clear the encoding value (or set utf-8)"
            )
    try:
        return data.decode(encoding)
    except LookupError:
        raise CorpusError(
            f"{path}: unknown encoding {encoding!r} in the manifest; use a Python codec name such as utf-8 or cp1258"
        ) from None
    except UnicodeDecodeError as err:
        hint = (
            " If the file is in a legacy encoding such as Windows-1258, set encoding=cp1258 in its manifest row."
            if is_utf8
            else ""
        )
        raise CorpusError(
            f"{path}: not valid {encoding} at byte {err.start} (line {_line_of(data, err.start)}): "
            f"{data[err.start:err.start + 4]!r}.{hint}"
        ) from None


def _match_files(raw_path: Path, manifest_path: Path, table, row_lines: list[int]) -> list[str]:
    """Each manifest row's file as found in ``raw_path`` (relative, POSIX), one per row.

    A name is matched as written, else under Unicode normalisation and tone placement (or a backslash
    path, when unambiguous); a ManifestError names the line for a file missing, ambiguous, outside the
    folder or named by two rows, and lists the files on disk that no row names.
    """
    on_disk, linked = _walk(raw_path)
    # A name found as written, not through a symbolic link, is inside the folder as it stands: it needs
    # no resolving (resolving every row was most of the time on a large archive).
    plain = set(on_disk) - linked
    raw_real = raw_path.resolve()

    def real(rel: str) -> str:
        return os.path.join(raw_real, rel) if rel in plain else str((raw_path / rel).resolve())

    by_key: dict[str, list[str]] | None = None
    rels, listed = [], {}
    for index, row in enumerate(table.itertuples(index=False)):
        name = row.file
        if name in plain:
            rel = name
        else:
            if by_key is None:
                by_key = {}
                for other_rel in on_disk:
                    by_key.setdefault(_name_key(other_rel), []).append(other_rel)
            label = _row_label(manifest_path, row_lines[index])
            rel = _find_file(raw_path, name, row.doc_id, label, by_key, on_disk).relative_to(raw_path).as_posix()
        resolved = real(rel)
        if resolved in listed:
            other = listed[resolved]
            raise ManifestError(
                f"{manifest_path}: lines {row_lines[other]} and {row_lines[index]} both name the file "
                f"{rel!r} (as {table['file'].iloc[other]!r} and {name!r}); each file belongs to one row"
            )
        listed[resolved] = index
        rels.append(rel)
    unlisted = [rel for rel in on_disk if real(rel) not in listed]
    if unlisted:
        listed_names = {_name_key(rel): rel for rel in rels}
        shown = [
            f"{rel} (looks like {listed_names[_name_key(rel)]!r} but differs in Unicode normalisation or tone "
            f"placement: {_describe(rel)})" if _name_key(rel) in listed_names else rel
            for rel in unlisted[:5]
        ]
        raise ManifestError(
            f"{raw_path}: {len(unlisted)} file(s) have no row in {manifest_path}: {', '.join(shown)}; "
            "add a row for each or move them out of the folder"
        )
    return rels
