"""Voice-leading as a musician would mark it: musigan's harmonizations against Bach's own.

    python bench/voice_leading.py [--chorales 77] [--seeds 1]

The soprano line of every JSB test chorale (the SATB split shipped as `jsb:jsb-16th-satb`) at its own
rhythm is played into `bach-harmony` in harmonize mode (3 voices, defaults, the live engine on the
simulated clock, `live/clip_harmony.py`); Bach's own alto, tenor and bass under the same melodies are
the baseline. At every moment where the four voices sound and one of them moves (a chord change),
counted per 100 chord changes:

- parallel fifths and octaves: two voices a perfect fifth or an octave (or unison) apart, moving the
  same way to the same perfect interval;
- voice crossings: a voice below the one under it (alto under tenor, say);
- spacing: soprano and alto, or alto and tenor, more than an octave apart;
- root position: the share of chords whose lowest note is the chord's root.
"""
from __future__ import annotations

import argparse

from musigan.live.clip_harmony import harmonize_clip
from musigan.live.companions import companion_for
from musigan.models.notes import VOICE, NoteSequence
from musigan.models.part_writing import marks
from musigan.models.presets import get_preset
from musigan.train.corpus import load_corpus


def soprano(piece: NoteSequence) -> NoteSequence:
    line = piece.notes[piece.notes[:, VOICE] == 0].copy()
    return NoteSequence(line, steps_per_quarter=piece.steps_per_quarter, tempo_bpm=piece.tempo_bpm,
                        time_signature=piece.time_signature, name=piece.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chorales", type=int, default=77)
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--memory", type=float, default=0.0, help="the session memory's amount (play's default: 0.3)")
    args = parser.parse_args()
    bach = load_corpus("jsb:jsb-16th-satb", steps_per_quarter=4, progress=False).split("test")[:args.chorales]
    preset = get_preset("bach-harmony")
    ours = [harmonize_clip(companion_for(preset, seed=seed, memory=args.memory), soprano(piece), 3, 3.0)
            for seed in range(args.seeds) for piece in bach]
    print(f"per 100 chord changes, the soprano lines of {len(bach)} JSB test chorales")
    print("| harmonized by | chord changes | parallel 5ths/8ves | crossings | spacing > octave | root position |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, pieces in (("Bach (baseline)", bach), (f"musigan bach-harmony, memory {args.memory:g}", ours)):
        m = marks(pieces)
        print(f"| {name} | {m['chord changes']} | {m['parallels']:.2f} | {m['crossings']:.2f} | "
              f"{m['spacing']:.2f} | {m['root position']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
