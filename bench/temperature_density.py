"""Does the temperature knob change how much the companion plays? Notes per bar across temperatures.

    python bench/temperature_density.py [--seeds 64] [--bars 8] [--presets a,b]

Each shipped preset writes `--bars` bars from silence per seed, at temperatures 0.1 to 2.0, exactly as
`musigan generate` does; notes per bar (4/4) are set beside the interquartile range of the same
measure over 8-bar stretches of the preset's own corpus (test split): the knob should choose notes,
not density, so every row should sit inside that range.
"""
from __future__ import annotations

import argparse

import numpy as np

from musigan.models.presets import load_presets
from musigan.train.corpus import load_corpus
from musigan.train.corpus_stats import bar_densities
from musigan.train.density_calibration import notes_per_bar_from_silence

TEMPERATURES = (0.1, 0.5, 1.0, 1.5, 2.0)


def corpus_iqr(preset, bars: int) -> tuple[float, float]:
    data = preset.config.data
    pieces = load_corpus(preset.source(), steps_per_quarter=data.steps_per_quarter, progress=False).split("test")
    return tuple(np.percentile(bar_densities(pieces, bars), [25, 75]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=64)
    parser.add_argument("--bars", type=int, default=8)
    parser.add_argument("--presets", help="comma-separated (default: every trained preset)")
    args = parser.parse_args()
    presets = load_presets()
    names = args.presets.split(",") if args.presets else sorted(n for n, p in presets.items() if p.trained)
    print("| preset | corpus IQR (notes/bar) | " + " | ".join(f"T={t}" for t in TEMPERATURES) + " | inside |")
    print("| --- | --- |" + " --- |" * (len(TEMPERATURES) + 1))
    for name in names:
        low, high = corpus_iqr(presets[name], args.bars)
        row = [notes_per_bar_from_silence(presets[name], t, range(args.seeds), args.bars) for t in TEMPERATURES]
        inside = sum(low <= d <= high for d in row)
        print(f"| {name} | {low:.1f}-{high:.1f} | " + " | ".join(f"{d:.1f}" for d in row)
              + f" | {inside}/{len(row)} |", flush=True)


if __name__ == "__main__":
    main()
