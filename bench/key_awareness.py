"""Does the companion answer in the player's key? The share of its notes in the key of the call.

    python bench/key_awareness.py [--calls 48]

Each call is a two-bar melody in one of the 24 keys (a seeded walk on the key's scale, from and back
to the tonic, one note a beat, released a little early as players do), played into `musigan play`'s
engine on the simulated clock, exactly as a keyboard would: respond presets answer it, bach-harmony
puts voices under it (counted from the fifth note: four notes name a key). The share of the companion's notes in the call's key is measured with the key
pull off (`--key-pull 0`, the model alone) and at the default, beside the same share in the
preset's own corpus (test split, each piece in its estimated key): how tonal the music it learned is.
"""
from __future__ import annotations

import argparse

import mido
import numpy as np

from musigan.live.companions import companion_for
from musigan.live.engine import Engine
from musigan.live.settings import LiveSettings
from musigan.live.simulation import MemoryOutput, SimulatedClock, drive
from musigan.models.notes import PITCH
from musigan.models.presets import get_preset
from musigan.models.tonality import MIN_NOTES, SCALES, estimate_key, in_key_share
from musigan.train.corpus import load_corpus

PULL = LiveSettings().key_pull
PRESETS = {"folk-lstm": "respond", "bach-chorales-gru": "respond", "bach-gan": "respond", "bach-harmony": "harmonize"}


def make_call(rng, key, steps_per_quarter: int, notes: int = 8):
    """`notes` quarter notes on the scale of `key`, tonic first and last, around middle C to C6."""
    tonic, mode = key
    scale = [60 + (tonic + step) % 12 for step in SCALES[mode] if step != 11 or mode == "major"]
    degree, pitches = 0, []
    for _ in range(notes):
        pitches.append(scale[degree % len(scale)] + 12 * (degree // len(scale)))
        degree = int(np.clip(degree + rng.choice([-2, -1, 1, 2]), -2, 9))
    pitches[-1] = pitches[0]
    q = steps_per_quarter
    events = []
    for i, pitch in enumerate(pitches):
        events += [(i * q + 0.05, mido.Message("note_on", note=pitch, velocity=80)),
                   (i * q + q - 0.1 * q, mido.Message("note_off", note=pitch))]
    return events


def answer_pitches(preset, mode: str, events, pull: float, seed: int) -> list[int]:
    companion = companion_for(preset, seed=seed)
    clock = SimulatedClock()
    output = MemoryOutput(clock)
    engine = Engine(companion, output.send, LiveSettings(mode=mode, answer_bars=2, key_pull=pull))
    drive(engine, clock, events, 8 * 4 * companion.steps_per_quarter)
    engine.close()
    heard_key = MIN_NOTES * companion.steps_per_quarter if mode == "harmonize" else 0  # voices once a key can be heard
    return [m.note for p, m in output.sent if m.type == "note_on" and m.velocity > 0 and p >= heard_key]


def corpus_share(preset) -> float:
    data = preset.config.data
    pieces = load_corpus(preset.source(), steps_per_quarter=data.steps_per_quarter, progress=False).split("test")
    shares = [(in_key_share(p.notes[:, PITCH], estimate_key(p)), len(p)) for p in pieces if len(p)]
    return float(np.average([s for s, _ in shares], weights=[n for _, n in shares]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=48, help="calls per preset, cycling the 24 keys (default 48)")
    parser.add_argument("--presets", default=",".join(PRESETS), help="which (default: all four)")
    args = parser.parse_args()
    keys = [(tonic, mode) for mode in ("major", "minor") for tonic in range(12)]
    print(f"| preset | mode | notes in the call's key, no pull | with the default pull ({PULL:g} nats) | its corpus |")
    print("| --- | --- | --- | --- | --- |")
    for name in args.presets.split(","):
        mode, preset = PRESETS[name], get_preset(name)
        rng = np.random.default_rng(0)
        calls = [(keys[i % 24], make_call(rng, keys[i % 24], preset.encoding().steps_per_quarter))
                 for i in range(args.calls)]
        shares = []
        for pull in (0.0, PULL):
            notes = [(answer_pitches(preset, mode, events, pull, seed), key) for seed, (key, events) in enumerate(calls)]
            total = sum(len(p) for p, _ in notes)
            shares.append(sum(in_key_share(p, key) * len(p) for p, key in notes) / max(total, 1))
        print(f"| {name} | {mode} | {shares[0]:.3f} | {shares[1]:.3f} | {corpus_share(preset):.3f} |", flush=True)


if __name__ == "__main__":
    main()
