"""`musigan harmonize MELODY.mid --out FILE.mid`: a melody clip from a DAW, harmonized offline by the
live engine, written as a clip to drag back into Live: the melody on its own track, one per voice (a
chorale preset), or the chords and the bass on theirs (a preset that plays chords, like folk-chords)."""
from __future__ import annotations

from ..live.accompany import COMPING
from .args import add_memory_option, add_piece_options, add_preset_options, channel_list, fail, number
from .clips import ClipError, bars_of, check_range, read_clip, top_line, write_piece
from .output_paths import output_problem


def register(commands):
    harmonize = commands.add_parser(
        "harmonize", help="harmonize a melody clip (MIDI file) and write the parts as a clip",
        description="Play a melody clip into the companion in harmonize mode, as a keyboard would, and write "
                    "the result: the melody on track 1, each voice under it on its own track and channel, on "
                    "the clip's tempo and metre, its first bar bar 1 (leading empty bars are trimmed). A "
                    "chordal clip is harmonized under its top line. With a preset that plays chords "
                    "(folk-chords), it is accompanied as in accompany mode: tracks melody, chords and bass.")
    harmonize.add_argument("melody", metavar="MELODY.mid")
    add_preset_options(harmonize, positional=False)
    harmonize.add_argument("--preset", default="bach-harmony", help="a preset that can harmonize, or one that plays "
                           "chords (folk-chords) (default bach-harmony)")
    harmonize.add_argument("--voices", type=number(int, 1, 8), default=3, help="voices under the melody, 1..8 "
                           "(default 3: four parts)")
    harmonize.add_argument("--voice-channels", type=channel_list, metavar="CH,CH,..",
                           help="the voices' MIDI channels, top down (default 2, 3, 4, ...; the melody keeps 1)")
    harmonize.add_argument("--key-pull", type=number(float, 0, 10), default=3.0, metavar="NATS",
                           help="how strongly the voices keep to the melody's key (default 3; 0: the model alone)")
    harmonize.add_argument("--comping", choices=COMPING, default="held",
                           help="with a preset that plays chords: held chords, a stab on every beat (pulse), or "
                                "their notes in turn (arpeggio) (default held)")
    add_memory_option(harmonize)
    add_piece_options(harmonize)
    return harmonize


def run(args) -> int:
    from ..live.clip_harmony import accompany_clip, harmonize_clip
    from ..live.companions import companion_for
    from ..models.metre import Metre
    from ..models.presets import PresetError, get_preset

    if problem := output_problem("--out", args.out):
        return fail("harmonize", problem)
    try:
        preset = get_preset(args.preset, args.config)
        companion = companion_for(preset, seed=args.seed, memory=args.memory)
        if not (companion.can_harmonize or companion.plays_chords):
            raise ValueError(f"--preset {preset.name} can neither harmonize (like bach-harmony) nor play chords "
                             "(like folk-chords)")
        parts = ("chords", "bass") if companion.plays_chords else [f"voice {v + 1}" for v in range(args.voices)]
        if args.voice_channels and len(args.voice_channels) != len(parts):
            raise ValueError(f"--voice-channels names {len(args.voice_channels)} channel(s) for {len(parts)} part(s) "
                             f"({', '.join(parts)})")
        melody = top_line(read_clip(args.melody, companion.steps_per_quarter))
        if companion.plays_chords:  # chords on the clip's beats; a melody out of its range is heard an octave nearer
            companion.set_metre(Metre(*melody.time_signature))
        else:
            check_range(melody, companion.encoding.range.low, companion.encoding.range.high, preset.name)
    except (PresetError, ClipError, ValueError) as exc:
        return fail("harmonize", exc)
    channels = {v + 1: c - 1 for v, c in enumerate(args.voice_channels)} if args.voice_channels else None
    if companion.plays_chords:
        piece = accompany_clip(companion, melody, args.comping, args.key_pull)
        what = f"chords ({args.comping}) and a bass under them"
    else:
        piece = harmonize_clip(companion, melody, args.voices, args.key_pull)
        what = f"{args.voices} voice(s) under them"
    write_piece(piece, args.out, args.plot, f"{len(melody)} melody notes and {len(piece) - len(melody)} notes in "
                                            f"{what}, {bars_of(melody)} bar(s) from {preset.name}", channels)
    return 0
