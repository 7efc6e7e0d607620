"""Does the companion play the player's music back to them, developed? The session memory, off and on.

    python bench/memory.py [--tunes 40] [--chorales 30] [--amounts 0,0.1,0.2,0.3,0.5] [--seed 0]

1. Continue and respond (`folk-lstm`): held-out tunes of its own corpus's test split (O'Neill's 1850
   collection, music21; no preset trained on them), bars 1-4 as the clip. `continue` writes 4 bars
   after it (`generate_piece`, as `musigan continue --apart` does); a respond answer is the live
   companion's answer to the same four bars (`listen`, then 4 bars of `step`). Against the clip:
   the share of the continuation's 3-note interval patterns (two successive intervals) found in the
   clip, of its bars whose onset rhythm occurs in a clip bar, and of its bars that copy a clip bar
   exactly (pitches and onsets). Rows: the tune's own bars 5-8 (the goal), another tune's bars 5-8
   (chance), and the companion at each memory amount. Goal: patterns and rhythms within 0.10 of the
   tunes' own, exact copies no more often than theirs.
2. Log-loss: nats per token of the tune's own bars 5-8 after bars 1-4, the preset alone and mixed
   with the memory (goal: at least 10% lower).
3. Harmony that remembers (`bach-harmony`, `musigan harmonize`'s path): the soprano of held-out JSB
   chorales (test split of its corpus) played twice in a row (again from the next bar line); the share of the repeat's melody notes
   with the same bass under them as the first time (goal: 0.8), and, for contrast, the share with the
   same bass as another session (another seed) had the first time: a new session still varies.
"""
from __future__ import annotations

import argparse

import numpy as np

from musigan.live.clip_harmony import harmonize_clip
from musigan.live.companions import companion_for
from musigan.models.generation import generate_piece, prime, remembering
from musigan.models.notes import END, PITCH, START, VOICE, NoteSequence, notes_array
from musigan.models.presets import get_preset
from musigan.models.stepper import load_stepper
from musigan.train.corpus import load_corpus

CLIP_BARS = 4


def onsets(sequence: NoteSequence) -> list[tuple[int, int]]:
    """(start, pitch) of a melody's notes, the top one where several start together."""
    top = {}
    for note in sequence.notes:
        start, pitch = int(note[START]), int(note[PITCH])
        top[start] = max(top.get(start, -1), pitch)
    return sorted(top.items())


def patterns(notes) -> list[tuple[int, int]]:
    pitches = [p for _, p in notes]
    return [(b - a, c - b) for a, b, c in zip(pitches, pitches[1:], pitches[2:])]


def bars(notes, bar: int, first: int, count: int) -> list[tuple[frozenset, frozenset]]:
    """Per bar with notes: (its onset rhythm, its notes), positions within the bar."""
    out = []
    for index in range(first, first + count):
        inside = [(s - index * bar, p) for s, p in notes if index * bar <= s < (index + 1) * bar]
        if inside:
            out.append((frozenset(s for s, _ in inside), frozenset(inside)))
    return out


def reuse(clip, continuation, bar: int, offset_bars: int) -> tuple[float, float, float]:
    """Shares of the continuation's interval patterns, bar rhythms and bars found in the clip."""
    clip_patterns = set(patterns(clip))
    clip_bars = bars(clip, bar, 0, CLIP_BARS)
    rhythms, whole = {r for r, _ in clip_bars}, {n for _, n in clip_bars}
    mine, mine_bars = patterns(continuation), bars(continuation, bar, offset_bars, CLIP_BARS)
    share = (lambda hits, total: hits / total if total else 0.0)
    return (share(sum(p in clip_patterns for p in mine), len(mine)),
            share(sum(r in rhythms for r, _ in mine_bars), len(mine_bars)),
            share(sum(n in whole for _, n in mine_bars), len(mine_bars)))


def frames_to_notes(frames: list[set[int]], offset: int) -> list[tuple[int, int]]:
    notes, before = {}, set()
    for step, frame in enumerate(frames):
        for pitch in frame - before:
            notes[offset + step] = max(notes.get(offset + step, -1), pitch)
        before = frame
    return sorted(notes.items())


def nats_per_token(preset, clip_tokens, tokens, amount: float, bar: int) -> float:
    encoding, stepper = preset.encoding(), load_stepper(preset)
    logits, memory = prime(stepper, encoding, clip_tokens), remembering(encoding, clip_tokens, bar)
    total = 0.0
    for token in tokens:
        mixed = memory.mix(logits, amount)
        total -= mixed[token] - (mixed.max() + np.log(np.exp(mixed - mixed.max()).sum()))
        memory.observe(int(token))
        logits = stepper.step(token)
    return total / len(tokens)


def continuation_table(tunes, amounts, seed: int) -> None:
    preset = get_preset("folk-lstm")
    encoding = preset.encoding()
    rows = {"the tunes' own bars 5-8": [], "another tune's bars 5-8 (chance)": []}
    rows.update({f"continue, memory {a:g}": [] for a in amounts})
    rows.update({f"respond, memory {a:g}": [] for a in amounts})
    losses = {a: [] for a in amounts}
    for index, tune in enumerate(tunes):
        bar = tune.steps_per_bar
        clip = tune.slice_steps(0, CLIP_BARS * bar)
        clip_notes, real = onsets(clip), onsets(tune.slice_steps(0, 2 * CLIP_BARS * bar))
        other = tunes[(index + 1) % len(tunes)]
        rows["the tunes' own bars 5-8"].append(reuse(clip_notes, real, bar, CLIP_BARS))
        other_notes = [(s - other.steps_per_bar * CLIP_BARS + bar * CLIP_BARS, p)
                       for s, p in onsets(other.slice_steps(0, 2 * CLIP_BARS * other.steps_per_bar))
                       if s >= other.steps_per_bar * CLIP_BARS]
        rows["another tune's bars 5-8 (chance)"].append(reuse(clip_notes, other_notes, bar, CLIP_BARS))
        clip_tokens = list(encoding.encode(clip)) + [encoding.step_token] * (CLIP_BARS * bar - clip.total_steps)
        real_tokens = encoding.encode(tune.slice_steps(CLIP_BARS * bar, 2 * CLIP_BARS * bar))
        for amount in amounts:
            piece = generate_piece(preset, CLIP_BARS, clip, seed + index, primer_steps=CLIP_BARS * bar,
                                   steps_per_bar=bar, memory=amount)
            played = NoteSequence(piece.notes[piece.notes[:, VOICE] == 1], steps_per_quarter=tune.steps_per_quarter)
            rows[f"continue, memory {amount:g}"].append(reuse(clip_notes, onsets(played), bar, CLIP_BARS))
            companion = companion_for(preset, seed=seed + index, memory=amount)
            companion.listen(clip, answer_at=CLIP_BARS * bar)
            frames = [companion.step() for _ in range(CLIP_BARS * bar)]
            rows[f"respond, memory {amount:g}"].append(
                reuse(clip_notes, frames_to_notes(frames, CLIP_BARS * bar), bar, CLIP_BARS))
            losses[amount].append(nats_per_token(preset, clip_tokens, real_tokens, amount, bar))
    print(f"\n1. folk-lstm, {len(tunes)} held-out tunes (O'Neill's 1850, test split): bars 1-4 as the clip")
    print(f"{'':36} {'interval patterns':>18} {'bar rhythms':>12} {'bars copied':>12}")
    for name, figures in rows.items():
        means = np.mean(figures, axis=0)
        print(f"{name:36} {means[0]:18.2f} {means[1]:12.2f} {means[2]:12.2f}")
    print("\n2. log-loss of the tunes' own bars 5-8 after bars 1-4, nats per token")
    alone = np.mean(losses[amounts[0]])
    for amount in amounts:
        loss = np.mean(losses[amount])
        print(f"memory {amount:<4g} {loss:.3f}  ({(1 - loss / alone) * 100:+.1f}% lower than memory {amounts[0]:g})")


def bass_under(piece: NoteSequence, starts) -> list[int | None]:
    """The lowest companion pitch sounding at each melody onset."""
    parts = piece.notes[piece.notes[:, VOICE] > 0]
    out = []
    for start in starts:
        sounding = parts[(parts[:, START] <= start) & (parts[:, END] > start), PITCH]
        out.append(int(sounding.min()) if len(sounding) else None)
    return out


def repeat_table(chorales, amounts, seed: int) -> None:
    preset = get_preset("bach-harmony")
    same, across, notes = {a: 0 for a in amounts}, {a: 0 for a in amounts}, 0
    for index, chorale in enumerate(chorales):
        soprano = chorale.notes[chorale.notes[:, VOICE] == 0]
        bar = chorale.steps_per_bar  # played again from the next bar line, as a player repeats a phrase
        length = -(-int(soprano[:, END].max()) // bar) * bar
        twice = soprano.copy()
        twice[:, [START, END]] += length
        melody = NoteSequence(notes_array(np.concatenate([soprano, twice]).tolist()),
                              steps_per_quarter=chorale.steps_per_quarter)
        first_starts = sorted(set(soprano[:, START].astype(int).tolist()))
        notes += len(first_starts)
        for amount in amounts:
            basses = []
            for run in (0, 1):
                companion = companion_for(preset, seed=seed + 1000 * run + index, memory=amount)
                piece = harmonize_clip(companion, melody, 3, 3.0)
                first = bass_under(piece, first_starts)
                basses.append(first)
                if run == 0:
                    repeat = bass_under(piece, [s + length for s in first_starts])
                    same[amount] += sum(a == b and a is not None for a, b in zip(first, repeat))
            across[amount] += sum(a == b and a is not None for a, b in zip(*basses))
    print(f"\n3. bach-harmony, {len(chorales)} held-out chorales' soprano played twice ({notes} notes a pass)")
    print(f"{'':14} {'repeat: same bass as the first time':>36} {'another session: same bass':>28}")
    for amount in amounts:
        print(f"memory {amount:<7g} {same[amount] / notes:36.2f} {across[amount] / notes:28.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tunes", type=int, default=40)
    parser.add_argument("--chorales", type=int, default=30)
    parser.add_argument("--amounts", default="0,0.1,0.2,0.3,0.5")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip", choices=("tunes", "chorales"), help="leave one part out")
    args = parser.parse_args()
    amounts = [float(a) for a in args.amounts.split(",")]
    if args.skip != "tunes":
        tunes = [t for t in load_corpus("corpus:oneills1850", progress=False).split("test")
                 if t.total_steps >= 2 * CLIP_BARS * t.steps_per_bar][:args.tunes]
        continuation_table(tunes, amounts, args.seed)
    if args.skip != "chorales":
        chorales = load_corpus("jsb:jsb-16th-satb", progress=False).split("test")[:args.chorales]
        repeat_table(chorales, amounts, args.seed)


if __name__ == "__main__":
    main()
