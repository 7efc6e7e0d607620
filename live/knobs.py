"""What each live control does, by name: a CC's value (0..127) turned into one of the engine's
methods, and a line for the player; `live/controls.py` says which CC is which. Kept apart from the
engine so that what a control means can be read in one place, beside the table of names."""
from __future__ import annotations

from ..models.preset_schema import MODES


def bars(value: int) -> int:
    """A knob's value as 0..8 bars."""
    return value * 9 // 128


def temperature(engine, value: int) -> None:
    engine.set_temperature(round(0.1 + value / 127 * 1.9, 3))
    engine.log(f"temperature {engine.companion.temperature}")


def answer(engine, value: int) -> None:
    engine.set_answer_bars(bars(value))
    engine.log(f"answer length {engine.settings.answer_bars or 'as the phrase'} bars")


def mode(engine, value: int) -> None:
    engine.set_mode(MODES[min(2, value * 3 // 128)])


def panic(engine, value: int) -> None:
    if value >= 64:
        engine.log(f"panic: released {engine.panic()} note(s)")


def loop(engine, value: int) -> None:
    if engine.set_loop(value >= 64):
        engine.log(f"loop {'on: repeating from the next bar' if value >= 64 else 'off'}")


def mutate(engine, value: int) -> None:
    if value >= 64 and engine.mutate():
        engine.log("mutate: a variation from the next bar")


def min_listen(engine, value: int) -> None:
    engine.set_listen_bars(shortest=bars(value))
    engine.log(f"shortest call answered: {engine.settings.min_listen_bars} bar(s)")


def max_listen(engine, value: int) -> None:
    engine.set_listen_bars(longest=bars(value))
    engine.log(f"cuts in after {engine.settings.max_listen_bars or 'never: no limit,'} bar(s)")


def tempo(engine, value: int) -> None:
    bpm = round(40 + value / 127 * 200, 1)
    if engine.on_tempo is None:
        engine.log("tempo knob ignored: the tempo is the DAW's (--clock midi)")
    else:
        engine.on_tempo(bpm)
        engine.log(f"tempo gliding to {bpm} bpm")


def density(engine, value: int) -> None:
    companion = engine.companion
    if companion.notes_per_bar is None:
        engine.log(f"density knob ignored: {companion.name}'s card records no corpus density (retrain it)")
        return
    engine.set_density(round(2 ** ((value - 64) / 64), 3))
    engine.log(f"density {companion.notes_per_bar * companion.density_scale:.1f} notes a bar "
               f"(x{companion.density_scale} the corpus's)")


def memory(engine, value: int) -> None:
    if not engine.companion.remembers:
        engine.log(f"memory knob ignored: {engine.companion.name} plays whole phrases, with no memory of the session")
        return
    engine.set_memory(round(value / 127, 3))
    engine.log(f"memory {engine.companion.memory_amount}: "
               f"{'the preset alone' if not value else 'borrowing from what you played'}")


KNOBS = {"temperature": temperature, "answer": answer, "mode": mode, "panic": panic, "loop": loop,
         "mutate": mutate, "min_listen": min_listen, "max_listen": max_listen, "tempo": tempo, "density": density,
         "memory": memory}
