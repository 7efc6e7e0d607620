"""Ingest speed: musigan's mido reader against music21.converter.parse on the same MIDI files,
and the bundled Bach chorales ingested cold and then from the cache.

    python bench/ingest.py [--files N]

The MIDI files are written by the bench itself from the bundled chorales, so it needs no download.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=100, help="MIDI files to read with each reader")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MUSIGAN_CACHE"] = tmp  # a cold cache for this run only
        from music21 import converter

        from musigan.models.midi_file import read_midi, write_midi
        from musigan.train.corpus import load_corpus

        start = time.perf_counter()
        bach = load_corpus("corpus:bach", progress=False)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        cached = load_corpus("corpus:bach", progress=False)
        warm = time.perf_counter() - start
        assert cached.from_cache

        folder = Path(tmp) / "midi"
        files = [write_midi(p, folder / f"{i:04d}.mid") for i, p in enumerate(bach.pieces[: args.files])]
        start = time.perf_counter()
        notes = sum(len(read_midi(f)) for f in files)
        ours = time.perf_counter() - start
        start = time.perf_counter()
        for f in files:
            converter.parse(f, forceSource=True, storePickle=False)
        theirs = time.perf_counter() - start

    print(f"MIDI files read ({len(files)} chorales, {notes} notes, one process):")
    print(f"  musigan read_midi (mido)   {len(files) / ours:8.1f} files/s")
    print(f"  music21.converter.parse    {len(files) / theirs:8.1f} files/s   (baseline)")
    print(f"  speed-up                   {theirs / ours:8.1f}x")
    print(f"corpus:bach ({len(bach.pieces)} chorales, {os.cpu_count()} cores):")
    print(f"  cold ingest (music21 parse, all cores)  {cold:7.2f} s")
    print(f"  cached ingest                           {warm:7.3f} s")


if __name__ == "__main__":
    main()
