"""Token-boundary declarations: ``grammar/specs/<name>.toml``.

A spec says which ABNF sources make a grammar, which rules are its start
rules, and where ABNF's character-level view is cut into Lark tokens
(``docs``: grammar/README.md, "The spec format").
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from msgtrk._errors import AbnfError
from msgtrk.abnf._ast import rule_key

__all__ = ["SourceSpec", "Spec"]


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class SourceSpec:
    """One ``[[source]]`` table: a file under the ABNF folder and its rule selection."""

    file: str
    only: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    override: bool = False


@attrs.frozen(kw_only=True)
class Spec:
    """How to cut one grammar into tokens (every key is optional).

    ``tokens``: rules compiled to one regex terminal each (everything under
    them inlined); ``ignore``: rules made ``%ignore`` terminals and deleted
    where referenced; ``drop``: rules deleted where referenced; ``runs``:
    rules ``r`` whose repetitions ``*r`` become one run terminal ``R_RUN``;
    ``hidden``: tokens filtered out of the tree (``_NAME``); ``inline``:
    rules substituted where used; ``priorities``: terminal or rule name ->
    Lark priority; ``keep_literals``: literals never split at punctuation;
    ``field_values``: rules ``"Name" ":" value`` for which a start rule
    ``<rule>-value`` (the value alone) is derived; ``regex``: rules to
    compile into the regex fast path; ``recursion_depth``: how deep a
    recursive token (a nested comment) is unrolled.
    """

    name: str = "grammar"
    description: str = ""
    sources: tuple[SourceSpec, ...] = ()
    core: bool = True
    start: tuple[str, ...] = attrs.field(default=(), converter=_names)
    tokens: tuple[str, ...] = attrs.field(default=(), converter=_names)
    ignore: tuple[str, ...] = attrs.field(default=(), converter=_names)
    drop: tuple[str, ...] = attrs.field(default=(), converter=_names)
    runs: tuple[str, ...] = attrs.field(default=(), converter=_names)
    hidden: tuple[str, ...] = attrs.field(default=("CRLF",), converter=_names)
    inline: tuple[str, ...] = attrs.field(default=(), converter=_names)
    priorities: Mapping[str, int] = attrs.field(factory=dict)
    keep_literals: tuple[str, ...] = attrs.field(default=(), converter=_names)
    split_keywords: bool = True
    field_values: tuple[str, ...] = attrs.field(default=(), converter=_names)
    regex: tuple[str, ...] = attrs.field(default=(), converter=_names)
    recursion_depth: int = 3
    parser: str = attrs.field(default="lalr", validator=attrs.validators.in_(("lalr", "earley")))
    automatic: bool = False

    @classmethod
    def from_toml(cls, text: str, *, name: str = "grammar", filename: str = "<spec>") -> Spec:
        """Read a spec from TOML text; unknown keys are an AbnfError."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise AbnfError(f"{filename}: {error}", line=1, column=1, offset=0) from None
        return cls.from_dict(data, name=name, filename=filename)

    @classmethod
    def from_path(cls, path: str | Path) -> Spec:
        path = Path(path)
        return cls.from_toml(path.read_text(encoding="utf-8"), name=path.stem, filename=path.name)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, name: str, filename: str = "<spec>") -> Spec:
        known = {field.name for field in attrs.fields(cls)} | {"source"}
        unknown = sorted(set(data) - known - {"sources"})
        if unknown:
            raise AbnfError(
                f"{filename}: unknown spec keys {', '.join(unknown)}", line=1, column=1, offset=0
            )
        values = {key: value for key, value in data.items() if key not in ("source", "sources")}
        sources = []
        for table in data.get("source", ()):
            extra = sorted(set(table) - {"file", "only", "exclude", "override"})
            if extra or "file" not in table:
                raise AbnfError(
                    f"{filename}: bad [[source]] table {table!r}", line=1, column=1, offset=0
                )
            only = table.get("only")
            sources.append(
                SourceSpec(
                    file=table["file"],
                    only=None if only is None else tuple(only),
                    exclude=tuple(table.get("exclude", ())),
                    override=bool(table.get("override", False)),
                )
            )
        values.setdefault("name", name)
        try:
            return cls(sources=tuple(sources), **values)
        except (TypeError, ValueError) as error:
            raise AbnfError(f"{filename}: {error}", line=1, column=1, offset=0) from None

    @classmethod
    def default(cls, start: Iterable[str] = (), *, parser: str = "earley") -> Spec:
        """The spec used when none is given: an automatic cut (single-character
        rules become terminals, CRLF is hidden), for Earley."""
        return cls(name="grammar", start=tuple(start), parser=parser, automatic=True)

    def keys(self, field: str) -> frozenset[str]:
        """The case-insensitive rule keys of a list field."""
        return frozenset(rule_key(name) for name in getattr(self, field))
