"""`musigan continue CLIP.mid --bars N --out FILE.mid`: what follows a clip from a DAW, as Magenta
Studio's Continue does: the clip primes the preset, which plays on from the clip's next bar line."""
from __future__ import annotations

from .args import add_piece_options, add_preset_options, add_sampling_options, fail, number
from .clips import ClipError, bars_of, check_range, read_clip, write_piece
from .output_paths import output_problem


def register(commands):
    continuing = commands.add_parser(
        "continue", help="continue a clip (MIDI file) for N bars",
        description="Play a clip into a preset and let it go on for --bars bars from the clip's next bar "
                    "line, on the clip's tempo and metre (leading empty bars are trimmed). The file holds the "
                    "clip as its first bars and the continuation on a track of its own; --apart writes the "
                    "continuation alone, starting at bar 1, for the next clip slot.")
    continuing.add_argument("clip", metavar="CLIP.mid")
    add_preset_options(continuing, positional=False)
    continuing.add_argument("--preset", default="folk-lstm", help="a preset name (default folk-lstm)")
    continuing.add_argument("--bars", type=number(int, 1, 1000), default=4, help="bars to add (default 4)")
    continuing.add_argument("--apart", action="store_true",
                            help="write only the continuation, from bar 1, not after the clip")
    add_sampling_options(continuing)
    add_piece_options(continuing)
    return continuing


def run(args) -> int:
    from ..models.generation import generate_piece
    from ..models.notes import END, START, VOICE, NoteSequence
    from ..models.presets import PresetError, get_preset

    if problem := output_problem("--out", args.out):
        return fail("continue", problem)
    try:
        preset = get_preset(args.preset, args.config)
        encoding = preset.encoding()
        clip = read_clip(args.clip, encoding.steps_per_quarter)
        check_range(clip, encoding.range.low, encoding.range.high, preset.name)
        bar, clip_bars = clip.steps_per_bar, bars_of(clip)
        piece = generate_piece(preset, args.bars, clip, args.seed, args.temperature, args.top_p,
                               primer_steps=clip_bars * bar, steps_per_bar=bar, memory=args.memory)
    except (PresetError, ClipError, ValueError) as exc:  # a bad preset, weights that do not fit, a clip out of range
        return fail("continue", exc)
    notes = piece.notes
    if args.apart:
        notes = notes[notes[:, VOICE] == 1].copy()
        notes[:, [START, END]] -= clip_bars * bar
    piece = NoteSequence(notes, steps_per_quarter=clip.steps_per_quarter, tempo_bpm=clip.tempo_bpm,
                         time_signature=clip.time_signature, name=f"{clip.name} continued",
                         voice_names=("clip", f"musigan {preset.name}"))
    added = int((notes[:, VOICE] == 1).sum())
    where = "alone, from bar 1" if args.apart else f"after the clip's {clip_bars} bar(s)"
    write_piece(piece, args.out, args.plot, f"{added} notes over {args.bars} bar(s) from {preset.name}, {where}")
    return 0
