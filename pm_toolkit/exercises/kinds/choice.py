"""Single choice, multiple choice and ordering, each option with its own feedback.

>>> from pm_toolkit.exercises.kinds.choice import Choice
>>> c = Choice({"AOV": "Right: revenue per order.", "ARPU": "That is per user, not per order."})
>>> c.compare("ARPU", "AOV", None).message
'That is per user, not per order.'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pm_toolkit.exercises.kinds.base import AnswerKind, Verdict, listing, neutral_order
from pm_toolkit.exercises.parsing import InvalidInput, describe, is_text

if TYPE_CHECKING:
    from pm_toolkit.exercises.context import LearnerContext


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _lookup(options: Sequence[str], answer: Any) -> str | None:
    if not is_text(answer):
        return None
    wanted = _norm(str.__str__(answer))
    for key in options:
        if _norm(key) == wanted:
            return key
    return None


def _check_options(options: Mapping[str, str], cls: str) -> dict[str, str]:
    if not isinstance(options, Mapping) or len(options) < 2:
        raise ValueError(f"{cls}(options=...) needs a dict of at least two {{option: feedback}}")
    out = {}
    for k, v in options.items():
        if not isinstance(k, str) or not k.strip():
            raise ValueError(f"{cls} option labels must be non-empty text; got {k!r}")
        out[k] = "" if v is None else str(v)
    if len({_norm(k) for k in out}) != len(out):
        raise ValueError(f"{cls} options must differ by more than case or spacing")
    return out


class Choice(AnswerKind):
    """Pick one option. ``options`` maps each option's text to the feedback shown when picked.

    The reference is the right option's text. ``shuffle=True`` shows options in an order that
    is stable per learner and exercise. Answers match option text ignoring case and spacing.
    """

    kind_name = "choice"
    input_style = "radio"

    def __init__(self, options: Mapping[str, str], shuffle: bool = True) -> None:
        self.options = _check_options(options, "Choice")
        self.shuffle = bool(shuffle)
        # Alphabetical: authors often list the right option first.
        self.accepted_forms = "one of: " + listing(list(self.options))

    def __repr__(self) -> str:
        return f"Choice(options={list(self.options)!r}, shuffle={self.shuffle})"

    def validate(self, reference: Any) -> None:
        if not callable(reference):
            self.expected(reference, None)

    def expected(self, reference: Any, ctx: LearnerContext) -> str:
        key = _lookup(list(self.options), reference)
        if key is None:
            raise ValueError(
                f"the reference {reference!r} is not one of the options {list(self.options)}"
            )
        return key

    def parse(self, answer: Any, ctx: LearnerContext) -> str:
        key = _lookup(list(self.options), answer)
        if key is None:
            raise InvalidInput(
                f"{describe(answer)} is not one of the options. Pick {self.accepted_forms}."
            )
        return key

    def compare(self, parsed: str, expected: str, ctx: LearnerContext) -> Verdict:
        return Verdict(parsed == expected, self.options[parsed])

    def echo(self, parsed: str) -> str:
        return repr(parsed)

    def implicit_wrong_answers(self, reference: Any, ctx: LearnerContext) -> list[tuple[Any, str]]:
        right = _lookup(list(self.options), reference)
        return [(k, fb) for k, fb in self.options.items() if k != right and fb]


class MultiChoice(AnswerKind):
    """Tick all that apply. The reference is the collection of right options' text.

    A wrong pick shows that option's feedback; the message says how many right options were
    ticked ("[2/3]") without naming the missing ones.
    """

    kind_name = "multi_choice"
    input_style = "checkboxes"

    def __init__(self, options: Mapping[str, str], shuffle: bool = True) -> None:
        self.options = _check_options(options, "MultiChoice")
        self.shuffle = bool(shuffle)
        # The example is a shape, never a set of real options (it could be the right set).
        self.accepted_forms = (
            "a list of the options you tick, e.g. ['first option', 'second option']"
        )

    def __repr__(self) -> str:
        return f"MultiChoice(options={list(self.options)!r}, shuffle={self.shuffle})"

    def validate(self, reference: Any) -> None:
        if not callable(reference):
            self.expected(reference, None)

    def expected(self, reference: Any, ctx: LearnerContext) -> frozenset[str]:
        if isinstance(reference, str) or not isinstance(reference, Iterable):
            raise ValueError(
                f"a MultiChoice reference must be a list of options; got {reference!r}"
            )
        keys = set()
        for r in reference:
            key = _lookup(list(self.options), r)
            if key is None:
                raise ValueError(f"reference option {r!r} is not one of {list(self.options)}")
            keys.add(key)
        return frozenset(keys)

    def reference_answer(self, reference: Any, ctx: LearnerContext) -> list[str]:
        return sorted(self.expected(reference, ctx))

    def is_not_attempted(self, answer: Any) -> bool:
        if issubclass(type(answer), (list, tuple, set, frozenset)) and len(answer) == 0:
            return True
        return super().is_not_attempted(answer)

    def parse(self, answer: Any, ctx: LearnerContext) -> frozenset[str]:
        if is_text(answer):
            answer = [answer]
        if not issubclass(type(answer), (list, tuple, set, frozenset)):
            raise InvalidInput(
                f"Expected a list of options, got {describe(answer)}. Give {self.accepted_forms}."
            )
        keys = []
        for a in answer:
            key = _lookup(list(self.options), a)
            if key is None:
                raise InvalidInput(
                    f"{describe(a)} is not one of the options: {listing(list(self.options))}."
                )
            keys.append(key)
        return frozenset(keys)

    def compare(
        self, parsed: frozenset[str], expected: frozenset[str], ctx: LearnerContext
    ) -> Verdict:
        if parsed == expected:
            return Verdict(True, f"[{len(expected)}/{len(expected)}]")
        right = len(parsed & expected)
        lines = [
            f"You ticked {right} of the {len(expected)} right options [{right}/{len(expected)}]."
        ]
        wrong = [k for k in self.options if k in parsed and k not in expected]
        for k in wrong:
            fb = self.options[k]
            lines.append(f"{k!r}: {fb}" if fb else f"{k!r} does not belong.")
        if not wrong:
            lines.append("Everything you ticked is right; something is missing.")
        return Verdict(False, "\n".join(lines))

    def echo(self, parsed: frozenset[str]) -> str:
        return ", ".join(repr(k) for k in self.options if k in parsed) or "nothing"

    def implicit_wrong_answers(self, reference: Any, ctx: LearnerContext) -> list[tuple[Any, str]]:
        right = self.expected(reference, ctx)
        return [
            ([*sorted(right), k], fb) for k, fb in self.options.items() if k not in right and fb
        ]


class Ordering(AnswerKind):
    """Put items in order. ``items`` lists them in the right order; learners see them shuffled.

    The answer is a list of the items (text, matched ignoring case/spacing) or a string
    "a > b > c". The reference may be omitted (it is ``items``).
    """

    kind_name = "ordering"
    input_style = "ordering"

    def __init__(self, items: Sequence[str], shuffle: bool = True) -> None:
        items = list(items)
        if len(items) < 2 or not all(isinstance(i, str) and i.strip() for i in items):
            raise ValueError(
                "Ordering(items=...) needs at least two non-empty texts, in the right order"
            )
        if len({_norm(i) for i in items}) != len(items):
            raise ValueError("Ordering items must be different from each other")
        self.items = items
        self.shuffle = bool(shuffle)
        # A shape, not the items: any real order (even reversed) would give the answer away.
        self.accepted_forms = (
            "a list of all the items in order, e.g. ['first item', 'second item', …] "
            "or 'first item > second item > …'"
        )

    def __repr__(self) -> str:
        return f"Ordering(items={neutral_order(self.items, self.items)!r})"

    def expected(self, reference: Any, ctx: LearnerContext) -> tuple[str, ...]:
        ref = self.items if reference is None else reference
        return tuple(self._keys(ref, strict=True))

    def reference_answer(self, reference: Any, ctx: LearnerContext) -> list[str]:
        return list(self.expected(reference, ctx))

    def validate(self, reference: Any) -> None:
        if not callable(reference):
            self.expected(reference, None)

    def _keys(self, seq: Any, strict: bool = False) -> list[str]:
        if is_text(seq):
            seq = str.__str__(seq)
            seq = (
                [s for s in seq.replace("→", ">").split(">")]
                if ">" in seq or "→" in seq
                else seq.split(",")
            )
        if not issubclass(type(seq), (list, tuple)):
            raise InvalidInput(f"Expected {self.accepted_forms}; got {describe(seq)}.")
        keys = []
        for s in seq:
            k = _lookup(self.items, str.__str__(s).strip() if is_text(s) else s)
            if k is None:
                raise (ValueError if strict else InvalidInput)(
                    f"{describe(s)} is not one of the items: {listing(self.items, self.items)}."
                )
            keys.append(k)
        left_out = [i for i in self.items if i not in keys]
        missing = neutral_order(left_out, left_out)
        doubled = sorted({k for k in keys if keys.count(k) > 1})
        if missing or doubled:
            parts = []
            if missing:
                parts.append("missing: " + ", ".join(repr(m) for m in missing))
            if doubled:
                parts.append("used twice: " + ", ".join(repr(d) for d in doubled))
            raise (ValueError if strict else InvalidInput)(
                "Use every item exactly once (" + "; ".join(parts) + ")."
            )
        return keys

    def parse(self, answer: Any, ctx: LearnerContext) -> tuple[str, ...]:
        return tuple(self._keys(answer))

    def compare(
        self, parsed: tuple[str, ...], expected: tuple[str, ...], ctx: LearnerContext
    ) -> Verdict:
        if parsed == expected:
            return Verdict(True)
        right = sum(a == b for a, b in zip(parsed, expected, strict=False))
        first = next(i for i, (a, b) in enumerate(zip(parsed, expected, strict=False)) if a != b)
        return Verdict(
            False,
            f"{right} of {len(expected)} items are in the right place; "
            f"the first one out of place is at position {first + 1} ({parsed[first]!r}).",
        )

    def echo(self, parsed: tuple[str, ...]) -> str:
        return " > ".join(parsed)
