"""A preset's metre ("4/4", "3/4", "6/8"): how many grid steps make its bar and its beat.

The bar is what a GAN learns and writes phrase by phrase, and what the live engine counts: bar lines,
the metronome's downbeat, the count-in, the DAW clock's bar. The beat is what a musician counts: a
quarter in 4/4 and 3/4, a dotted quarter in 6/8, 9/8 and 12/8 (compound metres).
"""
from __future__ import annotations

from dataclasses import dataclass

DENOMINATORS = (2, 4, 8, 16)


@dataclass(frozen=True)
class Metre:
    numerator: int = 4
    denominator: int = 4

    @classmethod
    def parse(cls, text: str) -> "Metre":
        """'6/8' -> Metre(6, 8); ValueError with the reason for anything else."""
        top, slash, bottom = str(text).partition("/")
        if not (slash and top.strip().isdigit() and bottom.strip().isdigit()):
            raise ValueError(f"{text!r} is not a metre such as 4/4, 3/4 or 6/8")
        metre = cls(int(top), int(bottom))
        if metre.denominator not in DENOMINATORS or not 1 <= metre.numerator <= 32:
            raise ValueError(f"{text!r}: the beat note must be one of {', '.join(map(str, DENOMINATORS))} "
                             "and the bar 1 to 32 of them")
        return metre

    def __str__(self) -> str:
        return f"{self.numerator}/{self.denominator}"

    @property
    def compound(self) -> bool:
        """6/8, 9/8, 12/8: beats of three eighths."""
        return self.denominator >= 8 and self.numerator % 3 == 0 and self.numerator > 3

    def steps_per_bar(self, steps_per_quarter: int) -> int:
        steps = steps_per_quarter * 4 * self.numerator / self.denominator
        if steps != int(steps):
            raise ValueError(f"a bar of {self} is not a whole number of steps at {steps_per_quarter} a quarter")
        return int(steps)

    def beats_per_bar(self) -> int:
        return self.numerator // 3 if self.compound else self.numerator

    def steps_per_beat(self, steps_per_quarter: int) -> int:
        return self.steps_per_bar(steps_per_quarter) // self.beats_per_bar()
