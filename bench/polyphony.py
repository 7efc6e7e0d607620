"""Does a preset trained on a polyphonic multi-track folder sound as many notes at once as its corpus?

    python bench/polyphony.py corpus DIR          # the folder: music21's string quartets, madrigals
                                                  # and Schumann, one MIDI track per part, + DIR/quartets.yaml
    musigan train quartets-lstm --config DIR/quartets.yaml      # folk-lstm's keys, 10 minutes
    python bench/polyphony.py measure quartets-lstm --config DIR/quartets.yaml [--phrases 128 --draws 2]

`measure` runs `evaluate --music`'s comparison (phrases written after held-out bars against the
phrases that followed) three times in one process: as sampling was before (every token allowed, as
many notes at once as the model starts), with the events grammar alone (a release only of a sounding
note: `EventsEncoding.allowed_after`), and as it is now for a polyphonic preset (the grammar, and no
more notes at once than the corpus sounds three quarters of the time, the note held longest making
way: `generation.usual_voices`). The corpus column is the baseline: the held-out phrases themselves.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from musigan.models import generation
from musigan.models.midi_file import write_midi
from musigan.models.presets import get_preset
from musigan.models.score_file import read_score
from musigan.train.corpus import bundled_corpus_files
from musigan.train.music_report import music_report

COMPOSERS = ("haydn", "mozart", "beethoven", "schumann_robert", "monteverdi")
SCORES = (".mxl", ".xml")  # Humdrum copies of the same movements are left out: no piece twice
FEATURES = ("polyphony", "note_length", "note_density", "inter_onset", "pitch_range", "melodic_interval", "in_key")

PRESET_YAML = """\
quartets-lstm:
  description: >-
    folk-lstm's keys on string quartets, madrigals and Schumann: a polyphonic multi-track folder
    written by bench/polyphony.py.
  data:
    source: .
    steps_per_quarter: 4
    encoding: {name: events}
    transpose: normalize
  model: {cell: lstm, layers: 2, units: 256, embedding: 64, dropout: 0.2, head: softmax}
  training: {epochs: 100, batch_size: 32, sequence_length: 256, learning_rate: 0.002, patience: 8,
             lr_patience: 3, lr_decay: 0.5, sample_every: 0, max_minutes: 10}
  sampling: {temperature: 0.9, top_p: 0.95}
  live: {mode: respond, channel: 1, answer_bars: 2, bpm: 110}
"""


def write_corpus(folder: Path) -> None:
    """Every score of `COMPOSERS` as a type 1 MIDI file, one track (and channel) per part."""
    for composer in COMPOSERS:
        for path in bundled_corpus_files(composer):
            if path.suffix.lower() not in SCORES:
                continue
            for piece in read_score(path, 4):
                name = f"{composer}-{'-'.join(path.parts[-2:]) if path.parent.name != composer else path.name}"
                out = write_midi(piece, folder / f"{Path(name).stem}.mid")
                print(f"{out.name}: {len(piece.voice_names)} tracks, {len(piece)} notes", flush=True)
    (folder / "quartets.yaml").write_text(PRESET_YAML)
    print(f"wrote {folder / 'quartets.yaml'}")


NO_CAP = 128  # more notes than can ever sound: the grammar without the cap


def report(preset, args, voices) -> dict:
    """The music report with `usual_voices` as given (None: sampling as it was)."""
    kept = generation.usual_voices
    generation.usual_voices = lambda preset: voices
    try:
        return music_report(preset, args.phrases, args.draws)
    finally:
        generation.usual_voices = kept


def measure(args) -> None:
    preset = get_preset(args.preset, args.config)
    now = report(preset, args, generation.usual_voices(preset))
    columns = {"before": report(preset, args, None), "grammar": report(preset, args, NO_CAP), "now": now}
    print(f"{preset.name}: {now['draws']} draws of {now['phrases']} test phrases of {now['bars']} bars "
          f"(mean, and overlap with the corpus's)")
    print(f"{'feature':18} {'corpus':>8}" + "".join(f" {name:>8} {'overlap':>8}" for name in columns))
    for name in FEATURES:
        print(f"{name:18} {now['generated'][name]['reference']:8.2f}" +
              "".join(f" {c['generated'][name]['generated']:8.2f} {c['generated'][name]['overlap']:8.3f}"
                      for c in columns.values()))
    print(f"{'mean overlap':18} {now['ceiling']['mean_overlap']:8.3f}" +
          "".join(f" {'':8} {c['generated']['mean_overlap']:8.3f}" for c in columns.values()) +
          "   (corpus: held-out against other held-out phrases, the ceiling)")
    polyphony = now["generated"]["polyphony"]
    print(f"polyphony now: {polyphony['generated']:.2f} against the corpus's {polyphony['reference']:.2f} "
          f"({polyphony['generated'] / polyphony['reference'] - 1:+.0%}; goal within 15%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    corpus = commands.add_parser("corpus", help="write the multi-track folder and its preset YAML")
    corpus.add_argument("folder", type=Path)
    measured = commands.add_parser("measure", help="polyphony and the other statistics, grammar on and off")
    measured.add_argument("preset")
    measured.add_argument("--config", action="append", default=[])
    measured.add_argument("--phrases", type=int, default=256)
    measured.add_argument("--draws", type=int, default=4)
    args = parser.parse_args()
    if args.command == "corpus":
        args.folder.mkdir(parents=True, exist_ok=True)
        write_corpus(args.folder)
    else:
        measure(args)


if __name__ == "__main__":
    main()
