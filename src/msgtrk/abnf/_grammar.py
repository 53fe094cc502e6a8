"""A grammar: the rules of one or more ABNF sources, merged.

Merging follows RFC 5234 §3.3: a rule is defined once with ``=`` and
extended with ``=/``, wherever the extension is written.  Sources marked
``override`` (``local-fixes.abnf``) form a second layer: there ``=``
*replaces* the earlier definition (which is kept, for the generated
comments) and ``=/`` extends it.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import attrs

from msgtrk._errors import AbnfError
from msgtrk.abnf._ast import (
    Alternation,
    Node,
    Prose,
    Reference,
    Rule,
    iter_nodes,
    rule_key,
)
from msgtrk.abnf._core import CORE_ABNF
from msgtrk.abnf._reader import read_rules

__all__ = ["AbnfWarning", "Definition", "Grammar", "Problem", "Source", "rule_error"]


class AbnfWarning(UserWarning):
    """A grammar that compiles but looks wrong (an unused rule)."""


def _keys(names: Iterable[str]) -> frozenset[str]:
    return frozenset(map(rule_key, names))


def _optional_keys(names: Iterable[str] | None) -> frozenset[str] | None:
    return None if names is None else _keys(names)


@attrs.frozen(kw_only=True)
class Source:
    """One ABNF text and which of its rules to take.

    ``only`` takes just the named rules, ``exclude`` leaves the named rules
    out (names are case-insensitive); ``override`` puts the source in the
    override layer.
    """

    text: str
    name: str = "<string>"
    only: frozenset[str] | None = attrs.field(default=None, converter=_optional_keys)
    exclude: frozenset[str] = attrs.field(default=frozenset(), converter=_keys)
    override: bool = False

    @classmethod
    def from_path(
        cls,
        path: str | Path,
        *,
        only: Iterable[str] | None = None,
        exclude: Iterable[str] = (),
        override: bool = False,
    ) -> Source:
        """Read a source file (UTF-8, CRLF or LF line ends)."""
        path = Path(path)
        return cls(
            text=path.read_text(encoding="utf-8"),
            name=path.name,
            only=only,
            exclude=exclude,
            override=override,
        )


@attrs.frozen(kw_only=True)
class Definition:
    """A rule after merging: its alternatives from every ``=`` and ``=/``."""

    name: str
    node: Node
    rules: tuple[Rule, ...]
    replaced: tuple[Rule, ...] = ()

    @property
    def key(self) -> str:
        return rule_key(self.name)

    @property
    def first(self) -> Rule:
        return self.rules[0]

    @property
    def section(self) -> str | None:
        return next((rule.section for rule in self.rules if rule.section), None)


@attrs.frozen(kw_only=True)
class Problem:
    """A finding of ``Grammar.problems``: an ``error`` or a ``warning``."""

    severity: str
    message: str
    rule: str
    source: str = ""
    line: int = 0
    column: int = 0
    offset: int = 0

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}:{self.column}: " if self.source else ""
        return f"{where}{self.severity}: {self.message}"

    def to_error(self) -> AbnfError:
        return AbnfError(
            f"{self.source}: {self.message}" if self.source else self.message,
            line=max(self.line, 1),
            column=max(self.column, 1),
            offset=self.offset,
            rule=self.rule,
        )


def _merge(node: Node, extra: Node) -> Node:
    items: list[Node] = []
    for part in (node, extra):
        items.extend(part.items if isinstance(part, Alternation) else (part,))
    return Alternation(items=tuple(items))


@attrs.frozen(kw_only=True)
class Grammar:
    """Merged ABNF rules, keyed by case-insensitive name."""

    definitions: Mapping[str, Definition]

    # ----------------------------------------------------------- building
    @classmethod
    def from_text(cls, text: str, *, filename: str = "<string>", core: bool = True) -> Grammar:
        """One ABNF text; ``core`` supplies the RFC 5234 core rules it does not define."""
        return cls.from_sources([Source(text=text, name=filename)], core=core)

    @classmethod
    def from_files(
        cls,
        paths: Iterable[str | Path],
        overrides: Iterable[str | Path] = (),
        *,
        core: bool = False,
    ) -> Grammar:
        """Files merged; ``overrides`` form the override layer."""
        sources = [Source.from_path(path) for path in paths]
        sources += [Source.from_path(path, override=True) for path in overrides]
        return cls.from_sources(sources, core=core)

    @classmethod
    def from_sources(cls, sources: Sequence[Source], *, core: bool = False) -> Grammar:
        """Merge sources: base layer (``=`` then ``=/``), then the override layer."""
        base: list[Rule] = []
        overrides: list[Rule] = []
        for source in sources:
            rules = _select(source)
            (overrides if source.override else base).extend(rules)
        merged: dict[str, Definition] = {}
        for rule in base:
            if rule.incremental:
                continue
            if rule.key in merged:
                other = merged[rule.key].first
                raise rule_error(rule, f"rule {rule.name} is already defined at {other.where}")
            merged[rule.key] = Definition(name=rule.name, node=rule.definition, rules=(rule,))
        for rule in base:
            if rule.incremental:
                _extend(merged, rule)
        for rule in overrides:
            if rule.incremental:
                _extend(merged, rule)
            else:
                old = merged.get(rule.key)
                replaced = (*old.replaced, *old.rules) if old else ()
                merged[rule.key] = Definition(
                    name=rule.name, node=rule.definition, rules=(rule,), replaced=replaced
                )
        if core:
            for rule in read_rules(CORE_ABNF, filename="RFC 5234 core rules"):
                merged.setdefault(
                    rule.key, Definition(name=rule.name, node=rule.definition, rules=(rule,))
                )
        return cls(definitions=merged)

    # ----------------------------------------------------------- queries
    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and rule_key(name) in self.definitions

    def __getitem__(self, name: str) -> Definition:
        try:
            return self.definitions[rule_key(name)]
        except KeyError:
            raise AbnfError(
                f"no rule named {name!r} in the grammar", line=1, column=1, offset=0, rule=name
            ) from None

    def __iter__(self) -> Iterator[Definition]:
        return iter(self.definitions.values())

    def __len__(self) -> int:
        return len(self.definitions)

    def references(self, name: str) -> Iterator[Reference]:
        """The rule references in the definition of ``name``."""
        for node in iter_nodes(self[name].node):
            if isinstance(node, Reference):
                yield node

    def reachable(self, start: Iterable[str]) -> list[str]:
        """Keys of the defined rules reachable from ``start`` (in visit order)."""
        seen: dict[str, None] = {}
        stack = [rule_key(name) for name in reversed(list(start))]
        while stack:
            key = stack.pop()
            if key in seen or key not in self.definitions:
                continue
            seen[key] = None
            refs = [ref.key for ref in self.references(key)]
            stack.extend(reversed(refs))
        return list(seen)

    def problems(self, start: Iterable[str] = ()) -> list[Problem]:
        """Undefined rules and reachable prose (errors), unused rules (warnings).

        With ``start``, only the rules reachable from it are checked for
        undefined references and prose; a rule is unused when no other
        rule references it and it is not a start rule.
        """
        start = list(start)
        found: list[Problem] = []
        for name in start:
            if name not in self:
                found.append(
                    Problem(severity="error", message=f"undefined start rule {name}", rule=name)
                )
        keys = self.reachable(start) if start else list(self.definitions)
        referenced: set[str] = set()
        for definition in self.definitions.values():
            for node in _all_nodes(definition):
                if isinstance(node, Reference) and node.key != definition.key:
                    referenced.add(node.key)
        for key in keys:
            definition = self.definitions[key]
            for rule in definition.rules:
                for node in iter_nodes(rule.definition):
                    if isinstance(node, Reference) and node.key not in self.definitions:
                        found.append(
                            _problem(
                                rule, node, f"undefined rule {node.name} (used by {rule.name})"
                            )
                        )
                    elif isinstance(node, Prose):
                        found.append(
                            _problem(
                                rule,
                                node,
                                f"prose value <{node.text}> in {rule.name} cannot be"
                                " compiled; define the rule formally (e.g. in an override file)",
                            )
                        )
        starts = {rule_key(name) for name in start}
        for key, definition in self.definitions.items():
            if (
                key in referenced
                or key in starts
                or definition.first.source == "RFC 5234 core rules"
            ):
                continue
            rule = definition.first
            found.append(
                Problem(
                    severity="warning",
                    message=f"rule {rule.name} is never used",
                    rule=rule.name,
                    source=rule.source,
                    line=rule.line,
                    column=rule.column,
                    offset=rule.offset,
                )
            )
        return found

    def check(self, start: Iterable[str] = (), *, warn: bool = True) -> Grammar:
        """Raise AbnfError on the first error of ``problems`` (naming the
        others); with ``warn``, issue an AbnfWarning for each warning."""
        found = self.problems(start)
        errors = [problem for problem in found if problem.severity == "error"]
        if errors:
            error = errors[0].to_error()
            if len(errors) > 1:
                error.message += (
                    f" (and {len(errors) - 1} more: "
                    + "; ".join(str(problem) for problem in errors[1:6])
                    + ")"
                )
                error.args = (error.message,)
            raise error
        for problem in found if warn else ():
            warnings.warn(str(problem), AbnfWarning, stacklevel=2)
        return self


def _all_nodes(definition: Definition) -> Iterator[Node]:
    for rule in definition.rules:
        yield from iter_nodes(rule.definition)


def _problem(rule: Rule, node: Reference | Prose, message: str) -> Problem:
    return Problem(
        severity="error",
        message=message,
        rule=rule.name,
        source=rule.source,
        line=node.line,
        column=node.column,
        offset=node.offset,
    )


def rule_error(rule: Rule, message: str) -> AbnfError:
    """An AbnfError at the name of ``rule`` in its source (line, column and
    offset agree: all three from the reader)."""
    return AbnfError(
        f"{rule.source}: {message}",
        line=max(rule.line, 1),
        column=max(rule.column, 1),
        offset=rule.offset if rule.line >= 1 else 0,
        rule=rule.name,
        source_line=rule.text.split("\n", 1)[0] if rule.line >= 1 else None,
    )


def _extend(merged: dict[str, Definition], rule: Rule) -> None:
    old = merged.get(rule.key)
    if old is None:
        raise rule_error(rule, f"=/ extends rule {rule.name}, which is not defined")
    merged[rule.key] = attrs.evolve(
        old, node=_merge(old.node, rule.definition), rules=(*old.rules, rule)
    )


def _select(source: Source) -> list[Rule]:
    rules = read_rules(source.text, filename=source.name)
    names = {rule.key for rule in rules}
    for wanted in sorted((source.only or frozenset()) | source.exclude):
        if wanted not in names:
            raise AbnfError(
                f"{source.name}: no rule {wanted} to select or exclude",
                line=1,
                column=1,
                offset=0,
                rule=wanted,
            )
    return [
        rule
        for rule in rules
        if (source.only is None or rule.key in source.only) and rule.key not in source.exclude
    ]
