"""`musigan train PRESET`: train, checkpoint, resume, export the preset's weights and card."""
from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from .args import add_preset_options, fail, number, training_missing
from .output_paths import first_problem


def register(commands):
    train = commands.add_parser(
        "train", help="train a preset's model and export its weights",
        description="Train the preset's model from its YAML entry (GPU when Keras sees one), with a checkpoint "
                    "every epoch, TensorBoard logs, sample MIDI files and early stopping; then export the "
                    "weights (.npz) and model card (.json). A shipped preset's weights go to your presets "
                    "folder ($MUSIGAN_HOME/presets, default ~/.local/share/musigan/presets), a preset of "
                    "your own YAML beside that YAML; what is there shadows the shipped weights. The shipped "
                    "files are never written.")
    add_preset_options(train)
    train.add_argument("--from", dest="base", nargs="+", metavar=("PRESET", "FOLDER"),
                       help="make the named preset one of your own: PRESET's model fine-tuned on the FOLDERs (of "
                            "MIDI or MusicXML, or corpus:NAME; as many as you like) or, without one, on your part of "
                            "the takes `musigan play` kept; written to your presets folder, no YAML needed")
    train.add_argument("--minutes", type=number(float, 0.5, 600), default=5.0,
                       help="with --from: the whole fine-tune's time budget, calibration included (default 5)")
    train.add_argument("--epochs", type=number(int, 1), help="override the preset's epoch count")
    train.add_argument("--out", metavar="DIR", help="run folder (default runs/PRESET)")
    train.add_argument("--resume", action="store_true", help="continue the run in the run folder")
    train.add_argument("--no-calibration", action="store_true",
                       help="skip fitting its key counts and density offsets after training (minutes on a CPU); "
                            "`musigan evaluate PRESET --density --save-card` does it later")
    train.add_argument("--weights-dir", metavar="DIR",
                       help="write PRESET.npz and PRESET.json into DIR instead (e.g. a checkout's presets/ "
                            "folder, to ship them)")
    several = train.add_argument_group(
        "several processes (one per host; KERAS_BACKEND=jax)",
        "Run the same command on every host with the first host's address: each trains on its share of "
        "every batch, and only process 0 writes the run folder and the preset.")
    several.add_argument("--join", metavar="HOST:PORT", help="the coordinator: process 0's host and a free port")
    several.add_argument("--processes", type=number(int, 2), metavar="N", help="how many processes in all")
    several.add_argument("--process-id", type=number(int, 0), metavar="I", help="this one's index, 0 .. N-1")
    return train


def several_processes_problem(args, preset) -> str | None:
    """What is wrong with the multi-process flags, if anything (checked before any work)."""
    given = [flag for flag, value in (("--join", args.join), ("--processes", args.processes),
                                      ("--process-id", args.process_id)) if value is not None]
    if not given:
        return None
    if len(given) < 3:
        return f"{', '.join(given)}: a run of several processes needs --join, --processes and --process-id together"
    if os.environ.get("KERAS_BACKEND") != "jax":
        return "--join needs KERAS_BACKEND=jax (processes are joined by JAX's coordinator)"
    host, _, port = args.join.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        return f"--join: {args.join!r} is not HOST:PORT (e.g. host0.example.org:1234)"
    if args.process_id >= args.processes:
        return f"--process-id: {args.process_id} is not below --processes {args.processes}"
    if args.resume:
        return "--resume: a run of several processes cannot resume (start it again, or train on one)"
    if preset.config.model.kind == "gan":
        return f"--join: {preset.name} is a GAN; several processes train the language-model presets only"
    return None


def calibrate_density(trained, card: dict, console, deadline: float | None) -> None:
    """Write into the new card how many keys a step sounds (a pianoroll preset) and the onset offsets
    at which it plays its corpus's notes per bar at each temperature (what `musigan evaluate NAME
    --density --save-card` does for an older card), inside what is left of the time budget."""
    from ..models.files import save_json
    from ..train.density_calibration import calibrate_card
    from ..train.progress import progress_display

    with progress_display(True, console) as bar:
        task = bar.add_task("calibrating its density (rounds)", total=None)
        entries = calibrate_card(trained, deadline=deadline,
                                 progress=lambda done, total: bar.update(task, total=total, completed=done))
    if entries is None:
        console.print(f"no time left in training.max_minutes to calibrate its density; `musigan evaluate "
                      f"{trained.name} --density --save-card` does it later", highlight=False)
        return
    card["data"].update(entries)
    save_json(trained.card_file, card)


def run(args) -> int:
    started = time.perf_counter()  # training.max_minutes bounds the whole command
    if (missing := training_missing("train")) is not None:
        return missing
    from rich.console import Console

    from ..models.presets import PresetError, get_preset

    console = Console(soft_wrap=True)  # a log or a pipe keeps whole lines
    base = None
    try:
        if args.base:
            from ..train.fine_tune import fine_tune_preset

            preset, base = fine_tune_preset(args.preset, args.base[0], args.base[1:], args.minutes, args.config)
        else:
            preset = get_preset(args.preset, args.config)
    except PresetError as exc:
        return fail("train", exc)
    from ..train.corpus import SourceError
    from ..train.run import Run, RunError

    gan = preset.config.model.kind == "gan"
    run_dir = Path(args.out or Path("runs") / preset.name)
    output_stem = Path(args.weights_dir) / preset.name if args.weights_dir else preset.output_stem
    weights_flag = "--weights-dir" if args.weights_dir else "the presets folder"
    if problem := (several_processes_problem(args, preset) or
                   first_problem([("--out", run_dir, True), (weights_flag, output_stem.parent, True)])):
        return fail("train", problem)
    if args.join:
        from ..train.multihost import join

        console.print(f"process {args.process_id} of {args.processes}: waiting for the others at {args.join}",
                      highlight=False)
        join(args.join, args.processes, args.process_id)
    try:
        run = Run(preset, run_dir, console, epochs=args.epochs, resume=args.resume, progress=True,
                  output_stem=output_stem, started=started, base=base)
        card = run.run()
    except (RunError, SourceError) as exc:
        return fail("train", exc)
    except KeyboardInterrupt:
        again = " ".join(["musigan train", preset.name, *(f"--config {c}" for c in args.config),
                          "--out", str(run_dir), "--resume"])
        print(f"\nmusigan train: interrupted; every finished epoch is saved in {run_dir}. Continue with: {again}",
              file=sys.stderr)
        return 130
    if card is None:
        console.print(f"process {args.process_id} of {args.processes}: trained its share of every batch; process 0 "
                      "writes the preset", highlight=False)
        return 0
    if card["data"].get("notes_per_bar") and not args.no_calibration:
        calibrate_density(replace(preset, weights_stem=output_stem), card, console, run.deadline)
    if gan:
        quality = f"test music overlap {card['metrics']['test_music']['mean_overlap']:.3f}"
    else:
        test = card["metrics"]["test"]
        quality = (f"test {test['nll_per_step']:.4f} nats/step, {test['nll_per_token']:.4f} nats/token "
                   f"({test['bits_per_token']:.3f} bits)")
    epochs = f"{card['epochs']} epoch{'' if card['epochs'] == 1 else 's'}"
    console.print(f"{preset.name}: {quality} after {epochs}, {card['training_seconds']:.0f}s on "
                  f"{card['hardware']['backend']}", highlight=False)
    if base is not None:
        before = card["metrics"]["base_test"]["nll_per_step"]
        console.print(f"{base.name} on the same test music: {before:.4f} nats/step; `musigan play --preset "
                      f"{preset.name}` plays it", highlight=False)
    console.print(f"wrote {output_stem.with_suffix('.npz')} and {output_stem.with_suffix('.json')}; "
                  f"run folder {run_dir}", highlight=False)
    return 0
