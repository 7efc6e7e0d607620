"""`musigan plot FILE.mid`: a piano roll of a MIDI file, each voice (track) in its own colour.

A recorded session shows the player and the companion; a generated file its primer and its
continuation. `generate --plot` and `play --record X.mid --plot` draw one beside the MIDI file.
"""
from __future__ import annotations

from pathlib import Path

from ..models.music_words import pitch_name
from .args import fail, number
from .output_paths import output_problem


def register(commands):
    plot = commands.add_parser("plot", help="draw a MIDI file as a piano roll (PNG)",
                               description="Draw a piano roll of a MIDI file: one colour per track (a session's "
                                           "player and musigan, a generated file's primer and continuation), bar "
                                           "lines, pitch names on the axis.")
    plot.add_argument("file", metavar="FILE.mid")
    plot.add_argument("--out", metavar="FILE.png", help="where to write it (default: beside the MIDI file)")
    plot.add_argument("--beats-per-bar", type=number(int, 1, 16), default=4, help="bar lines every N beats (default 4)")
    return plot


def run(args) -> int:
    from ..models.midi_file import UnreadableFile

    out = Path(args.out) if args.out else Path(args.file).with_suffix(".png")
    if problem := output_problem("--out" if args.out else "the picture beside it,", out):
        return fail("plot", problem)
    try:
        path = draw_piano_roll(args.file, out, args.beats_per_bar)
    except (UnreadableFile, OSError) as exc:
        return fail("plot", f"{args.file}: {exc}")
    print(f"wrote {path}")
    return 0


def plot_recording(recorder, wanted: bool) -> None:
    """`--plot`: the recorded session drawn beside its MIDI file."""
    if wanted:
        print(f"drew {draw_piano_roll(recorder.path)}", flush=True)


def draw_piano_roll(midi_path, out=None, beats_per_bar: int = 4) -> Path:
    """The PNG of a MIDI file's notes; returns where it was written."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from ..models.midi_file import read_midi
    from ..models.notes import END, PITCH, START, VOICE

    steps_per_quarter = 4
    piece = read_midi(midi_path, steps_per_quarter)
    out = Path(out) if out else Path(midi_path).with_suffix(".png")
    notes = piece.notes
    beats = max(1.0, piece.total_steps / steps_per_quarter)
    figure, axes = plt.subplots(figsize=(min(4 + beats / 4, 24), 5))
    colours = plt.get_cmap("tab10")
    for voice in sorted(set(notes[:, VOICE].tolist())):
        label = piece.voice_names[voice] if voice < len(piece.voice_names) else f"voice {voice}"
        for index, (start, end, pitch) in enumerate(notes[notes[:, VOICE] == voice][:, [START, END, PITCH]]):
            axes.add_patch(plt.Rectangle((start / steps_per_quarter, pitch - 0.4), (end - start) / steps_per_quarter,
                                         0.8, color=colours(voice % 10), label=None if index else label))
    for bar in range(0, int(beats) + 1, beats_per_bar):
        axes.axvline(bar, color="0.75", linewidth=0.8, zorder=0)
    low, high = (int(notes[:, PITCH].min()) - 2, int(notes[:, PITCH].max()) + 2) if len(notes) else (58, 72)
    axes.set_xlim(0, beats)
    axes.set_ylim(low, high)
    ticks = [p for p in range(low, high + 1) if p % 12 in (0, 4, 7)]
    axes.set_yticks(ticks, [pitch_name(p) for p in ticks])
    axes.set_xlabel("beats")
    axes.set_title(Path(midi_path).name)
    axes.legend(loc="upper right", fontsize=8)
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=110)
    plt.close(figure)
    return out
