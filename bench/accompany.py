"""Accompany a song, judged as ReaLchords is: held-out tunes played into accompany mode.

    python bench/accompany.py [--tunes 30] [--preset folk-chords] [--seeds 2]

Each tune of the preset's test split (O'Neill's dance tunes, in their own keys) is played into the
live engine offline, as `musigan harmonize TUNE.mid --preset folk-chords` plays it, and its chord
track is read back a step at a time. Printed per row, the mean over tunes: chord changes per bar,
the share of melody notes that lie in the chord sounding as they are struck (those on a beat, and
all), the share of chord changes that fall on a beat, and how many distinct chords it used. The rows:
the tunes' own chords (O'Neill wrote none: these are the analysis' chords the preset learnt from,
`models/harmonic_analysis.py`), one chord that never moves (the tonic of the tune's key: the floor
any accompanist must beat on musicality, not on this share), the preset, and `bach-harmony`
harmonizing the same melodies (three voices, its chord the one its voices spell), for contrast.

The second table does the same for the pieces in music21's corpus that carry human chord symbols
(two Nottingham reels, two lead sheets), the check against chords a person wrote. The third is the
key-change recovery of `bench/key_change.py`: a four-bar tune, then the same tune a tritone or a
fourth up (or a new one in the relative minor); per beat after the change, the share of the notes
of the chord struck on it (comping `pulse`, so one is struck on every beat; bass included) in the
new key. The chord of a beat is chosen as it begins, having heard the notes before it: the second
beat's, one note of the new key.

Goals (issue 34): changes per bar within 20% of the tunes' own; melody in chord at least the tunes'
own less 0.05; at least 0.9 of changes on a beat; 0.8 in the new key from the second beat on.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import music21
import numpy as np
from key_change import BEATS, CHANGES, tune_pair

from musigan.live.clip_harmony import accompany_clip, harmonize_clip
from musigan.live.companions import companion_for
from musigan.live.engine import Engine
from musigan.live.settings import LiveSettings
from musigan.live.simulation import MemoryOutput, SimulatedClock, drive
from musigan.models.chords import chord, holds
from musigan.models.metre import Metre
from musigan.models.notes import END, START, VOICE
from musigan.models.presets import get_preset
from musigan.models.score_file import read_score
from musigan.models.tonality import estimate_key, in_key_share
from musigan.train.accompaniment_stats import FIGURES, Accompaniment, figures
from musigan.train.corpus_filters import preset_corpus

HUMAN_CHORDS = ("nottingham-dataset/reelsa-c.abc", "leadSheet/fosterBrownHair.mxl",
                "leadSheet/berlinAlexandersRagtime.mxl")


def on_grid(piece, steps_per_quarter: int):
    """The piece on a finer grid (a whole multiple of its own)."""
    factor = steps_per_quarter // piece.steps_per_quarter
    notes = piece.notes.copy()
    notes[:, [START, END]] *= factor
    return type(piece)(notes, steps_per_quarter=steps_per_quarter, tempo_bpm=piece.tempo_bpm,
                       time_signature=piece.time_signature, name=piece.name)


def rows_for(tunes, encoding, accompanist, harmonizer, seeds: int) -> dict[str, list[Accompaniment]]:
    """Each tune's own chords, the accompanist's and the harmonizer's, measured alike."""
    rows = {"their own chords": [], "the key's tonic chord throughout": [], accompanist.name: [],
            f"{harmonizer.name} (3 voices)": []}
    for tune in tunes:
        own = encoding.decode(encoding.encode(tune), time_signature=tune.time_signature)
        rows["their own chords"].append(Accompaniment.of(own, 0, [1]))
        drone = Accompaniment.of(own, 0, [1])
        tonic, mode = estimate_key(tune)
        drone.harmony[:] = chord(tonic, "" if mode == "major" else "m")
        rows["the key's tonic chord throughout"].append(drone)
        melody = own.with_notes(own.notes[own.notes[:, VOICE] == 0])
        for seed in range(seeds):
            played = accompany_clip(companion_for(accompanist, seed=seed), melody, "held", 3.0)
            rows[accompanist.name].append(Accompaniment.of(played, 0, [1]))
        harmonized = harmonize_clip(companion_for(harmonizer, seed=0), on_grid(melody, 4), 3, 3.0)
        rows[f"{harmonizer.name} (3 voices)"].append(Accompaniment.of(harmonized, 0, [1, 2, 3]))
    return rows


def print_table(rows: dict[str, list[Accompaniment]]) -> None:
    print("| chords | " + " | ".join(FIGURES) + " | chords used |")
    print("| --- " * (len(FIGURES) + 2) + "|")
    for name, accompaniments in rows.items():
        values = figures(accompaniments)
        cells = ["-" if np.isnan(values[f]) else f"{values[f]:.2f}" for f in FIGURES]
        print(f"| {name} | " + " | ".join(cells) + f" | {values['chords used']} |", flush=True)


def playable(tune, encoding) -> bool:
    """In the encoding's range, and in a metre its grid can count (music21 reads some pickups as 1/16)."""
    melody = tune.notes[:, 0]
    try:
        Metre(*tune.time_signature).steps_per_bar(encoding.steps_per_quarter)
    except ValueError:
        return False
    return len(melody) > 0 and encoding.range.low <= melody.min() and melody.max() <= encoding.range.high


def key_change_shares(preset, tunes: int, seeds: int) -> None:
    q = preset.encoding().steps_per_quarter
    print("| change | " + " | ".join(str(b + 1) for b in range(BEATS)) + " | beats 2+ |")
    print("| --- " * (BEATS + 2) + "|")
    for change in CHANGES:
        rows = []
        for tune in range(tunes):
            events, key = tune_pair(np.random.default_rng(tune), change, q)
            for seed in range(seeds):
                clock = SimulatedClock()
                output = MemoryOutput(clock)
                engine = Engine(companion_for(preset, seed=seed), output.send,  # pulse: a chord struck each beat
                                LiveSettings(mode="accompany", comping="pulse"))
                drive(engine, clock, events, 2 * BEATS * q + q)
                engine.close()
                shares = np.full(BEATS, np.nan)
                for beat in range(BEATS):
                    start = (BEATS + beat) * q
                    notes = [n for p, n in output.notes() if start <= p < start + q]
                    if notes:
                        shares[beat] = in_key_share(notes, key)
                rows.append(shares)
        mean = np.nanmean(rows, axis=0)
        print(f"| {change} | " + " | ".join(f"{v:.2f}" for v in mean) + f" | {np.nanmean(mean[1:]):.2f} |", flush=True)


def played_twice(preset, tunes, seeds: int) -> None:
    """Each tune's first eight bars played twice over: how often the second pass's chord on a beat is
    the first pass's, with the session's memory off and on (harmony that remembers)."""
    print("| memory | same chord on the second pass | melody in chord, second pass |")
    print("| --- | --- | --- |")
    for amount in (0.0, 0.3, 0.6):
        same, inside = [], []
        for tune in tunes:
            bars = Metre(*tune.time_signature).steps_per_bar(tune.steps_per_quarter)
            once = tune.slice_steps(0, 8 * bars)
            twice = once.with_notes(np.concatenate([once.notes, once.notes + [0, 8 * bars, 8 * bars, 0, 0]]))
            for seed in range(seeds):
                played = accompany_clip(companion_for(preset, seed=seed, memory=amount), twice, "held", 3.0)
                harmony = Accompaniment.of(played, 0, [1])
                beats = np.arange(harmony.steps_per_beat, 8 * bars, harmony.steps_per_beat)  # the band's first beat on
                later = np.minimum(beats + 8 * bars, len(harmony.harmony) - 1)
                same.append(np.mean(harmony.harmony[beats] == harmony.harmony[later]))
                melody = harmony.melody[harmony.melody[:, 1] >= 8 * bars]
                inside.append(np.mean([holds(int(harmony.harmony[s]), int(p)) for p, s in melody if s < len(harmony.harmony)]))
        print(f"| {amount} | {np.mean(same):.2f} | {np.mean(inside):.2f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="folk-chords")
    parser.add_argument("--tunes", type=int, default=30)
    parser.add_argument("--seeds", type=int, default=2)
    args = parser.parse_args()
    preset, harmonizer = get_preset(args.preset), get_preset("bach-harmony")
    encoding = preset.encoding()
    corpus, _ = preset_corpus(preset)
    tunes = [t for t in corpus.split("test") if playable(t, encoding)][:args.tunes]
    print(f"{len(tunes)} held-out tunes of {preset.config.data.source}, in their own keys, {args.seeds} seed(s) each")
    print_table(rows_for(tunes, encoding, preset, harmonizer, args.seeds))
    folder = Path(music21.__file__).parent / "corpus"
    human = [piece for path in HUMAN_CHORDS for piece in read_score(folder / path, encoding.steps_per_quarter)]
    print(f"\n{len(human)} pieces with human chord symbols (music21's corpus)")
    print_table(rows_for(human, encoding, preset, harmonizer, args.seeds))
    print("\nthe first eight bars played twice, with the session's memory")
    played_twice(preset, tunes[:12], args.seeds)
    print("\nkey change: share of the chords' notes in the new key, per beat after the change")
    key_change_shares(preset, 16, args.seeds)


if __name__ == "__main__":
    main()
