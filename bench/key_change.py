"""Does the companion follow a player who modulates? Per beat after an abrupt key change.

    python bench/key_change.py [--tunes 16] [--seeds 3]

A player plays a four-bar tune in C major (one note a beat, each let go a little early), then at
once a second four-bar tune in another key: the same tune a tritone up (F# major) or a fourth up
(F major), or a new tune in the relative minor (A minor). `bach-harmony` harmonizes it (3 voices,
default settings, the engine on the simulated clock): for each beat after the change, the share of
its voices in the new key. The steady row is the same share for a player who stays in C major for
all eight bars (the baseline any key follower must keep). Two more steady rows put a note outside C
major on the second beat of every bar, a semitone from the note it leads to: reached by step (a
chromatic passing note) or by a leap (a blue note, a jazz approach note); the companion should keep
to C major under both.

Solo: `folk-lstm` plays on its own under the same tunes; the share of its notes in the new key on
each beat of the first bar after the change, then per bar. Respond: `folk-lstm` answers a four-bar
call whose last bar modulates; the share of its answer in the key the call ended in, and in the key
it began in. Goal: >= 0.8 from the second beat after the change, >= 0.9 from the fourth, and the
steady rows as before.
"""
from __future__ import annotations

import argparse

import numpy as np
from key_awareness import make_call

from musigan.live.companions import companion_for
from musigan.live.engine import Engine
from musigan.live.settings import LiveSettings
from musigan.live.simulation import MemoryOutput, SimulatedClock, drive
from musigan.models.presets import get_preset
from musigan.models.tonality import in_key_share, scale_classes

HOME = (0, "major")
CHANGES = {"tritone (F# major)": ((6, "major"), 6), "fourth (F major)": ((5, "major"), 5),
           "relative minor (A minor)": ((9, "minor"), None), "steady (C major)": (HOME, 0)}
CHROMATIC = {"steady, chromatic notes stepped to": False, "steady, chromatic notes leapt to": True}
ROWS = [*CHANGES, *CHROMATIC]
BEATS = 16


def with_chromatic_notes(tune, by_leap: bool):
    """`tune` with its second beat in every bar a note outside C major, a semitone from the next note;
    reached by step only, or by any leap (bars where there is none such keep their note)."""
    pitches, home = [m.note for _, m in tune if m.type == "note_on"], scale_classes(HOME)
    for beat in range(1, len(pitches) - 1, 4):
        for chromatic in (pitches[beat + 1] - 1, pitches[beat + 1] + 1):
            if not home[chromatic % 12] and (by_leap or abs(chromatic - pitches[beat - 1]) <= 2):
                pitches[beat] = chromatic
                break
    return [(p, m.copy(note=pitches[i // 2])) for i, (p, m) in enumerate(tune)]


def tune_pair(rng, change, steps_per_quarter: int):
    """The player's eight bars: a tune in C major, then the second tune (shifted, new in its key, or
    the first with chromatic notes)."""
    first = make_call(rng, HOME, steps_per_quarter, BEATS)
    if change in CHROMATIC:
        second, key = with_chromatic_notes(first, CHROMATIC[change]), HOME
    else:
        key, shift = CHANGES[change]
        second = (make_call(rng, key, steps_per_quarter, BEATS) if shift is None
                  else [(p, m.copy(note=m.note + shift)) for p, m in first])
    offset = BEATS * steps_per_quarter
    return first + [(p + offset, m) for p, m in second], key


def harmonized_shares(preset, events, key, seed: int, memory: float = 0.0) -> np.ndarray:
    """Per beat of the second tune: the share of the voices struck on that beat in `key`."""
    companion = companion_for(preset, seed=seed, memory=memory)
    clock, q = SimulatedClock(), companion.steps_per_quarter
    output = MemoryOutput(clock)
    engine = Engine(companion, output.send, LiveSettings(mode="harmonize", voices=3))
    drive(engine, clock, events, 2 * BEATS * q + q)
    engine.close()
    melody = {m.note for _, m in events}
    shares = np.full(BEATS, np.nan)
    for beat in range(BEATS):
        start = (BEATS + beat) * q
        voices = [n for p, n in output.notes() if start <= p < start + q and n not in melody]
        if voices:
            shares[beat] = in_key_share(voices, key)
    return shares


def solo_shares(preset, events, key, seed: int, memory: float = 0.0) -> np.ndarray:
    """Solo, the player playing both tunes over it: the share of the companion's notes in `key` on each
    beat of the second tune's first bar, then in each of its later bars (a few notes a beat)."""
    companion = companion_for(preset, seed=seed, memory=memory)
    clock, q = SimulatedClock(), companion.steps_per_quarter
    output = MemoryOutput(clock)
    engine = Engine(companion, output.send, LiveSettings(mode="solo"))
    drive(engine, clock, events, 2 * BEATS * q + q)
    engine.close()
    spans = [(beat, beat + 1) for beat in range(4)] + [(beat, beat + 4) for beat in range(4, BEATS, 4)]
    shares = np.full(len(spans), np.nan)
    for index, (start, end) in enumerate(spans):
        notes = [n for p, n in output.notes() if (BEATS + start) * q <= p < (BEATS + end) * q]
        if notes:
            shares[index] = in_key_share(notes, key)
    return shares


def answered_share(preset, rng, key, shift, seed: int, memory: float = 0.0) -> tuple[float, float]:
    """A four-bar call, its last bar in `key`: the answer's share in `key` and in C major."""
    q = preset.encoding().steps_per_quarter
    call, last = make_call(rng, HOME, q, BEATS), 3 * 4 * q
    if shift is None:  # the relative minor: a bar of a tune in it
        minor = make_call(rng, key, q, 4)
        call = [(p, m) for p, m in call if p < last] + [(p + last, m) for p, m in minor]
    else:
        call = [(p, m.copy(note=m.note + shift)) if p >= last else (p, m) for p, m in call]
    companion = companion_for(preset, seed=seed, memory=memory)
    clock = SimulatedClock()
    output = MemoryOutput(clock)
    engine = Engine(companion, output.send, LiveSettings(mode="respond", answer_bars=2))
    drive(engine, clock, call, (BEATS + 12) * q)
    engine.close()
    answer = [n for p, n in output.notes() if p >= BEATS * q]
    return in_key_share(answer, key), in_key_share(answer, HOME)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tunes", type=int, default=16)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--memory", type=float, default=0.0, help="the session memory's amount (play's default: 0.3)")
    args = parser.parse_args()
    harmony = get_preset("bach-harmony")
    print("harmonize (bach-harmony, 3 voices): share of the voices in the new key, per beat after the change")
    print("| change | " + " | ".join(str(b + 1) for b in range(BEATS)) + " | beats 2+ | beats 4+ |")
    print("| --- " * (BEATS + 3) + "|")
    for change in ROWS:
        rows = []
        for tune in range(args.tunes):
            rng = np.random.default_rng(tune)
            events, key = tune_pair(rng, change, harmony.encoding().steps_per_quarter)
            rows += [harmonized_shares(harmony, events, key, seed, args.memory) for seed in range(args.seeds)]
        mean = np.nanmean(rows, axis=0)
        print(f"| {change} | " + " | ".join(f"{v:.2f}" for v in mean)
              + f" | {np.nanmean(mean[1:]):.2f} | {np.nanmean(mean[3:]):.2f} |", flush=True)
    folk = get_preset("folk-lstm")
    print("\nsolo (folk-lstm) under the same tunes: share of its notes in the new key, per beat, then per bar")
    print("| change | beat 1 | beat 2 | beat 3 | beat 4 | bar 2 | bar 3 | bar 4 |")
    print("| --- " * 8 + "|")
    for change in ROWS:
        rows = []
        for tune in range(args.tunes):
            events, key = tune_pair(np.random.default_rng(tune), change, folk.encoding().steps_per_quarter)
            rows += [solo_shares(folk, events, key, seed, args.memory) for seed in range(args.seeds)]
        print(f"| {change} | " + " | ".join(f"{v:.2f}" for v in np.nanmean(rows, axis=0)) + " |", flush=True)
    print("\nrespond (folk-lstm): a four-bar call whose last bar modulates; the answer's share in each key")
    print("| change | in the key it ended in | in the key it began in (C major) |")
    print("| --- | --- | --- |")
    for change, (key, shift) in CHANGES.items():
        if key == HOME:
            continue
        shares = [answered_share(folk, np.random.default_rng(tune), key, shift, seed, args.memory)
                  for tune in range(args.tunes) for seed in range(args.seeds)]
        ended, began = np.mean(shares, axis=0)
        print(f"| {change} | {ended:.2f} | {began:.2f} |", flush=True)


if __name__ == "__main__":
    main()
