"""Which knob does what: each live control's CC, from the defaults, a mapping file or `--learn`.

A mapping is a small YAML file (`temperature: 21`, one line per control it moves); a session loads
`--controls FILE`, else the user's `controls.yaml` if `--learn` wrote one, and `--cc-NAME` flags win
over both. Every mapping is checked the same way: a known control, a CC 0..127, not the sustain
pedal, no CC doing two things.
"""
from __future__ import annotations

import time
from pathlib import Path

import yaml

from ..paths import musigan_home

SUSTAIN = 64

# name: (default CC, what it does) -- the order `--learn` asks in, and the README's table
CONTROLS = {
    "temperature": (16, "temperature, 0.1..2.0"),
    "answer": (17, "respond: answer length, 0..8 bars (0 = as long as the call)"),
    "mode": (18, "mode, by quarters of the knob: respond, harmonize, solo, accompany"),
    "panic": (19, "panic (>= 64): release everything, stay silent until you play"),
    "loop": (20, "loop (>= 64 on, below off): repeat the last answer, or the solo's last bars"),
    "mutate": (21, "mutate (>= 64): a variation of the last answer (or loop) from the next bar"),
    "min_listen": (22, "respond: shortest call answered, 0..8 bars"),
    "max_listen": (23, "respond: longest call before it cuts in, 0 (never)..8 bars"),
    "tempo": (24, "internal clock's tempo, 40..240 bpm, gliding"),
    "density": (25, "notes per bar, 0.5x..2x the corpus's (64: as the corpus)"),
    "memory": (26, "how much it borrows from what you played this session, 0 (nothing)..1"),
    "comping": (27, "accompany: the chords' pattern, by thirds: held, pulse (every beat), arpeggio"),
}


class ControlError(ValueError):
    """A mapping that cannot be used, said in one line naming the control and the file."""


def default_controls() -> dict[str, int]:
    return {name: cc for name, (cc, _) in CONTROLS.items()}


def default_path() -> Path:
    """Where `--learn` writes and a session looks when no `--controls FILE` is given."""
    return musigan_home() / "controls.yaml"


def check(mapping: dict, where: str = "", spell=str) -> dict[str, int]:
    """The full mapping (defaults filled in) if `mapping` is usable; else ControlError naming the key
    (as `spell` writes it: a flag's name for a flag) and the file (`where`)."""
    at = f"{where}: " if where else ""
    if not isinstance(mapping, dict):
        raise ControlError(f"{at}expected a mapping of control: CC, got {type(mapping).__name__}")
    full = default_controls()
    for name, cc in mapping.items():
        if name not in CONTROLS:
            raise ControlError(f"{at}unknown control {name!r}; known: {', '.join(CONTROLS)}")
        if isinstance(cc, bool) or not isinstance(cc, int) or not 0 <= cc <= 127:
            raise ControlError(f"{at}{spell(name)} must be a CC number 0..127, got {cc!r}")
        if cc == SUSTAIN:
            raise ControlError(f"{at}{spell(name)} is CC 64, the sustain pedal; choose another CC")
        full[name] = cc
    by_cc: dict[int, str] = {}
    for name, cc in full.items():
        if cc in by_cc:
            raise ControlError(f"{at}{spell(by_cc[cc])} and {spell(name)} are both CC {cc}; "
                               "give each control its own CC")
        by_cc[cc] = name
    return full


def load(path: Path) -> dict[str, int]:
    try:
        mapping = yaml.safe_load(Path(path).read_text()) or {}
    except OSError as exc:
        raise ControlError(f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise ControlError(f"{path}{at}: not valid YAML") from None
    return check(mapping, str(path))


def save(path: Path, mapping: dict[str, int]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"# musigan play --learn: which CC moves each control ({time.strftime('%Y-%m-%d')})"]
    lines += [f"{name}: {cc}  # {CONTROLS[name][1]}" for name, cc in mapping.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def learn(poll, ask, wait_seconds: float, names=tuple(CONTROLS), clock=time.monotonic,
          idle=lambda: time.sleep(0.005)) -> dict[str, int]:
    """Ask for each control in turn and take the first CC that moves (not the pedal, not one already
    taken: a knob still turning from the last question is not an answer); a control that nothing
    moves within `wait_seconds` keeps its CC. `poll` returns the parsed messages that arrived."""
    mapping = default_controls()
    taken: set[int] = set()
    for name in names:
        ask(f"move the control for {name.replace('_', ' ')} ({CONTROLS[name][1]}); "
            f"{wait_seconds:g} s, else it stays CC {mapping[name]}")
        deadline, chosen = clock() + wait_seconds, None
        while chosen is None and clock() < deadline:
            moved = [m.control for m in poll() if m.type == "control_change" and m.control != SUSTAIN
                     and m.control not in taken]
            chosen = moved[0] if moved else None
            if chosen is None:
                idle()
        if chosen is not None:
            for other, cc in mapping.items():  # a default the learned CC displaces moves to the old CC
                if cc == chosen and other != name:
                    mapping[other] = mapping[name]
            mapping[name] = chosen
            ask(f"  {name}: CC {chosen}")
        taken.add(mapping[name])
    return check(mapping, "learned mapping")


def controls_table() -> str:
    """The README's table of every control: its default CC and the flag that moves it."""
    rows = ["| control | default CC | flag | what it does |", "| --- | --- | --- | --- |"]
    rows += [f"| {name.replace('_', ' ')} | {cc} | `--cc-{name.replace('_', '-')}` | {what} |"
             for name, (cc, what) in CONTROLS.items()]
    rows.append("| sustain | 64 | (fixed) | holds the phrase open (respond) and the voices (harmonize) |")
    return "\n".join(rows)
