"""Ingest speed: the symusic reader against mido and music21 on the same MIDI files, then a whole
folder through `load_corpus` cold (all cores) and from the cache.

    python bench/ingest.py [--files 5000]

The bench writes FILES distinct MIDI files itself (the bundled JSB chorales, each in several
transpositions and tempos), so it needs no download. Each reader's rate is files per second in one
process, over the same files (mido over the first 500, music21 over the first 50: they are slow).
Goals: a cold folder at >= 3,000 files/s on 2 cores (>= 18x mido), cached under 2 s for 20,000.
"""
from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path


def rate(read, files) -> float:
    started = time.perf_counter()
    for path in files:
        read(path)
    return len(files) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=5000, help="distinct MIDI files to write and read")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MUSIGAN_CACHE"] = tmp  # a cold cache for this run only
        from music21 import converter

        from musigan.models.midi_file import read_midi, read_midi_fast, write_midi
        from musigan.train.corpus import load_corpus

        chorales = load_corpus("jsb:jsb-16th-satb", steps_per_quarter=4, progress=False).pieces
        folder = Path(tmp) / "midi"
        files = []
        for index in range(args.files):
            piece = chorales[index % len(chorales)].transpose(index // len(chorales) % 12 - 6)
            piece.tempo_bpm = 60 + index % 97
            files.append(write_midi(piece, folder / f"{index:05d}.mid"))
        fast = rate(read_midi_fast, files)
        mido = rate(read_midi, files[:500])
        music21 = rate(lambda f: converter.parse(f, forceSource=True, storePickle=False), files[:50])
        started = time.perf_counter()
        corpus = load_corpus(str(folder), progress=False)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        cached = load_corpus(str(folder), progress=False)
        warm = time.perf_counter() - started
        assert cached.from_cache and len(cached.pieces) == len(corpus.pieces) == args.files
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"MIDI files read in one process ({args.files} distinct chorale files):")
    print(f"  music21.converter.parse       {music21:9.1f} files/s   (baseline)")
    print(f"  mido (read_midi)              {mido:9.1f} files/s   (baseline)")
    print(f"  symusic (read_midi_fast)      {fast:9.1f} files/s   {fast / mido:5.1f}x mido")
    print(f"folder of {args.files} files through load_corpus ({os.cpu_count()} cores; readers {corpus.readers}):")
    print(f"  cold                          {args.files / cold:9.1f} files/s   ({cold:.2f} s; goal >= 3000 files/s)")
    print(f"  cached                        {warm:9.3f} s")
    print(f"  peak memory of this process   {peak:9.0f} MB")


if __name__ == "__main__":
    main()
