"""Corpus sources -> NoteSequences, on all cores, cached, with bad files skipped and reported.

A source is a folder, a file, `corpus:NAME` (music21's bundled corpus, no download), `jsb:NAME` (a
JSB Chorales split shipped with musigan, e.g. `jsb:jsb-chorales-quarter`) or `jsb:PATH` (any JSON
split of the same shape, optionally gzipped; its grid is the steps per quarter the caller names).
"""
from __future__ import annotations

import os
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..models.midi_file import UnreadableFile
from ..models.notes import NoteSequence
from ..models.preset_schema import SPLITS
from ..paths import bundled_jsb, bundled_jsb_names
from . import cache
from .progress import progress_display
from .readers import SUFFIXES, jsb_grid, read_file_by, read_jsb

DEFAULT_STEPS_PER_QUARTER = 4



class SourceError(ValueError):
    """A corpus source that names nothing readable; the message says what was expected."""


@dataclass
class Corpus:
    source: str
    pieces: list[NoteSequence]
    splits: list[str]
    skipped: list[tuple[str, str]] = field(default_factory=list)
    from_cache: bool = False
    readers: dict[str, int] = field(default_factory=dict)   # files read by each reader (symusic, mido, music21)

    def split(self, name: str) -> list[NoteSequence]:
        return [p for p, s in zip(self.pieces, self.splits) if s == name]

    def resplit(self, split: dict) -> "Corpus":
        """The corpus with a preset's `data.split` applied; a JSB split keeps the split its file gives."""
        if self.source.startswith("jsb:"):
            return self
        return replace(self, splits=assign_splits([p.name for p in self.pieces], split))


def split_of(name: str, valid: float = 0.1, test: float = 0.1) -> str:
    """A stable split from the piece's name, so adding files never moves a piece between splits."""
    u = (zlib.crc32(name.encode()) % 10_000) / 10_000
    return "test" if u < test else "valid" if u < test + valid else "train"


def assign_splits(names: list[str], split: dict | None = None) -> list[str]:
    """Each piece's split. `split` maps valid/test to a fraction (stable, by name) or a list of piece
    names (the rest is train). A corpus too small to leave anything in train trains on all of it."""
    split = {"valid": 0.1, "test": 0.1, **(split or {})}
    lists = {k: set(v) for k, v in split.items() if isinstance(v, list)}
    fractions = {k: (0.0 if k in lists else float(v)) for k, v in split.items()}
    out = []
    for name in names:
        chosen = next((k for k in ("test", "valid") if name in lists.get(k, ())), None)
        out.append(chosen or split_of(name, fractions["valid"], fractions["test"]))
    return out if "train" in out or not names else ["train"] * len(names)


def bundled_corpus_files(name: str) -> list[Path]:
    from music21 import corpus

    files = [Path(p) for p in corpus.getComposer(name) if Path(p).suffix.lower() in SUFFIXES]
    if not files:
        raise SourceError(f"corpus:{name}: music21's bundled corpus has no scores under that name "
                          "(try corpus:bach, corpus:essenFolksong, corpus:oneills1850)")
    return sorted(files)


def source_files(source: str) -> list[Path]:
    if source.startswith("corpus:"):
        return bundled_corpus_files(source.removeprefix("corpus:"))
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        if not files:
            raise SourceError(f"{source}: no MIDI or score files ({', '.join(sorted(SUFFIXES))}) in this folder")
        return files
    if path.is_file():
        return [path]
    raise SourceError(f"{source}: no such file or folder (a source is a folder, a file, corpus:NAME or jsb:PATH)")


def _read_one(args):
    path, steps_per_quarter, include_drums = args
    try:
        return str(path), *read_file_by(path, steps_per_quarter, include_drums), None
    except UnreadableFile as exc:
        return str(path), [], None, str(exc)
    except Exception as exc:  # a reader bug on one file must not lose the rest of the corpus
        return str(path), [], None, f"{type(exc).__name__}: {exc}"


def load_corpus(source: str, steps_per_quarter: int | None = None, include_drums: bool = False,
                jobs: int | None = None, use_cache: bool = True, progress: bool = True) -> Corpus:
    """Ingest a source. Unreadable files are skipped and listed in `Corpus.skipped`, never fatal.

    `steps_per_quarter` is the grid; for a JSB JSON split (whose steps are already on a grid) it says
    which grid that is, and when it is None the grid is read from the file's name (`quarter`, `16th`)."""
    if source.startswith("jsb:"):
        return _load_jsb(source, steps_per_quarter, use_cache)
    steps_per_quarter = steps_per_quarter or DEFAULT_STEPS_PER_QUARTER
    files = source_files(source)
    options = {"steps_per_quarter": steps_per_quarter, "include_drums": include_drums}
    key = cache.cache_key(files, options) if use_cache else None
    cached = cache.load(key) if use_cache else None
    if cached:
        return Corpus(source, *cached[:3], from_cache=True, readers=cached[3])
    results = _run_readers(files, steps_per_quarter, include_drums, jobs, progress, source)
    pieces, skipped, readers = [], [], {}
    for path, read, reader, error in results:
        if error:
            skipped.append((path, error))
        else:
            readers[reader] = readers.get(reader, 0) + 1
        pieces.extend(read)
    splits = assign_splits([p.name for p in pieces])
    if use_cache:
        cache.save(key, pieces, splits, skipped, readers)
    return Corpus(source, pieces, splits, skipped, readers=readers)


def _run_readers(files, steps_per_quarter, include_drums, jobs, progress, source):
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(files)))
    tasks = [(f, steps_per_quarter, include_drums) for f in files]
    with progress_display(progress) as bar:
        task = bar.add_task(f"ingesting {source}", total=len(files))
        results = []
        if jobs == 1:
            mapped = map(_read_one, tasks)
        else:
            pool = ProcessPoolExecutor(max_workers=jobs)
            mapped = pool.map(_read_one, tasks, chunksize=max(1, len(tasks) // (jobs * 8)))
        for result in mapped:
            results.append(result)
            bar.advance(task)
        if jobs > 1:
            pool.shutdown()
    return results


def jsb_path(source: str) -> Path:
    name = source.removeprefix("jsb:")
    path = bundled_jsb(name) or Path(name)
    if not path.is_file():
        raise SourceError(f"{source}: no such JSB JSON file (shipped: "
                          f"{', '.join('jsb:' + n for n in bundled_jsb_names())}; or jsb:PATH to a JSON split)")
    return path


def _load_jsb(source: str, steps_per_quarter: int | None, use_cache: bool) -> Corpus:
    path = jsb_path(source)
    try:
        steps_per_quarter = steps_per_quarter or jsb_grid(path)
    except UnreadableFile as exc:
        raise SourceError(f"{source}: {exc}; name the grid with --steps-per-quarter N (or the preset's "
                          "data.steps_per_quarter)") from None
    key = cache.cache_key([path], {"reader": "jsb", "steps_per_quarter": steps_per_quarter}) if use_cache else None
    cached = cache.load(key) if use_cache else None
    if cached:
        return Corpus(source, *cached[:3], from_cache=True, readers=cached[3])
    try:
        by_split = read_jsb(path, steps_per_quarter)
    except UnreadableFile as exc:
        raise SourceError(f"{path}: {exc}") from None
    pieces = [p for split in SPLITS for p in by_split[split]]
    splits = [split for split in SPLITS for _ in by_split[split]]
    if use_cache:
        cache.save(key, pieces, splits, [], {"json": 1})
    return Corpus(source, pieces, splits, [], from_cache=False, readers={"json": 1})
