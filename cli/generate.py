"""`musigan generate PRESET --bars N --out F.mid`: a new piece from a trained preset.

Runs the NumPy stepper (the live path), so no TensorFlow is imported; a primer MIDI file is played
into the model first and written on its own track before the continuation.
"""
from __future__ import annotations

from .args import add_piece_options, add_preset_options, add_sampling_options, fail, number
from .clips import write_piece
from .output_paths import output_problem


def register(commands):
    generate = commands.add_parser(
        "generate", help="write a new MIDI file from a preset",
        description="Sample a new piece from a trained preset with the same NumPy stepper the live companion "
                    "uses, optionally continuing a primer MIDI file.")
    add_preset_options(generate)
    generate.add_argument("--bars", type=number(int, 1, 1000), default=8, help="bars of 4/4 to generate (default 8)")
    add_sampling_options(generate)
    generate.add_argument("--primer", metavar="FILE.mid", help="a MIDI file to continue")
    add_piece_options(generate)
    return generate


def run(args) -> int:
    import numpy as np

    from ..models.generation import generate_piece
    from ..models.midi_file import UnreadableFile, read_midi
    from ..models.notes import VOICE
    from ..models.presets import PresetError, get_preset

    if problem := output_problem("--out", args.out):
        return fail("generate", problem)
    try:
        preset = get_preset(args.preset, args.config)
        primer = read_midi(args.primer, preset.encoding().steps_per_quarter) if args.primer else None
        piece = generate_piece(preset, args.bars, primer, args.seed, args.temperature, args.top_p,
                               memory=args.memory if primer is not None else 0.0)
    except UnreadableFile as exc:
        return fail("generate", f"{args.primer}: {exc}")
    except (PresetError, ValueError) as exc:  # a bad preset, weights that do not fit, a primer out of range
        return fail("generate", exc)
    played = int(np.count_nonzero(piece.notes[:, VOICE] == piece.voice_names.index("musigan")))
    write_piece(piece, args.out, args.plot, f"{played} notes over {args.bars} bar{'s' if args.bars > 1 else ''} "
                                            f"from {preset.name} (seed {args.seed})")
    return 0
