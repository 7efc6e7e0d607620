"""What each live control does, by name: a CC's value (0..127) turned into one of the engine's
methods, and a line for the player; `live/controls.py` says which CC is which. Kept apart from the
engine so that what a control means can be read in one place, beside the table of names."""
from __future__ import annotations

import math

from ..models.preset_schema import MODES
from .accompany import COMPING


def bars(value: int) -> int:
    """A knob's value as 0..8 bars."""
    return value * 9 // 128


def choice_at(choices: tuple[str, ...], value: int) -> str:
    """A knob that picks one of `choices` in equal shares of its travel (the mode in quarters)."""
    return choices[min(len(choices) - 1, value * len(choices) // 128)]


def choice_stands(choices: tuple[str, ...], choice: str) -> int:
    """Where such a knob stands for `choice`: the middle of its share."""
    return (2 * choices.index(choice) + 1) * 128 // (2 * len(choices))


def temperature_at(value: int) -> float:
    return round(0.1 + value / 127 * 1.9, 3)


def tempo_at(value: int) -> float:
    return round(40 + value / 127 * 200, 1)


def density_at(value: int) -> float:
    return round(2 ** ((value - 64) / 64), 3)


def memory_at(value: int) -> float:
    return round(value / 127, 3)


def temperature(engine, value: int) -> None:
    engine.set_temperature(temperature_at(value))
    engine.log(f"temperature {engine.companion.temperature}")


def answer(engine, value: int) -> None:
    engine.set_answer_bars(bars(value))
    engine.log(f"answer length {engine.settings.answer_bars or 'as the phrase'} bars")


def mode(engine, value: int) -> None:
    engine.set_mode(choice_at(MODES, value))


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
    bpm = tempo_at(value)
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
    engine.set_density(density_at(value))
    engine.log(f"density {companion.notes_per_bar * companion.density_scale:.1f} notes a bar "
               f"(x{companion.density_scale} the corpus's)")


def memory(engine, value: int) -> None:
    if not engine.companion.remembers:
        engine.log(f"memory knob ignored: {engine.companion.name} plays whole phrases, with no memory of the session")
        return
    engine.set_memory(memory_at(value))
    engine.log(f"memory {engine.companion.memory_amount}: "
               f"{'the preset alone' if not value else 'borrowing from what you played'}")


def comping(engine, value: int) -> None:
    engine.set_comping(choice_at(COMPING, value))
    engine.log(f"comping: {engine.settings.comping}")


KNOBS = {"temperature": temperature, "answer": answer, "mode": mode, "panic": panic, "loop": loop,
         "mutate": mutate, "min_listen": min_listen, "max_listen": max_listen, "tempo": tempo, "density": density,
         "memory": memory, "comping": comping}


def positions(engine, bpm: float | None) -> dict[str, int]:
    """Where each knob that holds a value stands now (0..127), as the knob's own functions read it:
    a page's slider shows the session's state whether a CC, a flag or the page itself set it.
    `bpm` is the internal clock's tempo (None: the DAW's clock, which no knob moves)."""
    companion, settings = engine.companion, engine.settings

    def of_bars(count: int) -> int:
        return min(127, -(-count * 128 // 9))

    stands = {"temperature": round((companion.temperature - 0.1) / 1.9 * 127),
              "answer": of_bars(settings.answer_bars), "mode": choice_stands(MODES, settings.mode),
              "loop": 127 if engine.part.looper.on else 0, "min_listen": of_bars(settings.min_listen_bars),
              "max_listen": of_bars(settings.max_listen_bars),
              "density": round(64 + 64 * math.log2(companion.density_scale)),
              "memory": round(companion.memory_amount * 127), "comping": choice_stands(COMPING, settings.comping)}
    if bpm is not None:
        stands["tempo"] = round((bpm - 40) / 200 * 127)
    return {name: max(0, min(127, value)) for name, value in stands.items()}


MOMENTARY = ("panic", "mutate")   # buttons: they act when pressed and hold no value


def label(name: str, value: int) -> str:
    """A knob that counts bars, picks the mode or switches the loop, in a player's words (the others
    are worded from the session's own value: `live/view_messages.py: words`)."""
    in_bars = bars(value)
    return {"answer": f"{in_bars} bars" if in_bars else "as the call", "mode": choice_at(MODES, value),
            "comping": choice_at(COMPING, value),
            "loop": "on" if value >= 64 else "off", "min_listen": f"{in_bars} bars",
            "max_listen": f"{in_bars} bars" if in_bars else "never"}.get(name, "")
