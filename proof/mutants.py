"""Deterministic mutants of a Python source file, for a mutation study of a server under the suite
(benchmarks/mutation_study.py mutates proof/independent/pinpoint_emulator.py). Standard library
only: the file is parsed with `ast`, one node is changed, and the mutant is written back with
`ast.unparse` (so a mutant loses the original's comments and layout; line numbers in IDs and
descriptions are the original file's). List them with `python -m proof.mutants FILE`.

Operators (the `operator` of a mutant; `detail` says which variant of it):
- compare: a comparison operator swapped (== / !=, < / <=, > / >=, in / not in, is / is not);
- negate: a `not` removed, or the condition of an `if`, `while` or conditional expression negated
  (not where that repeats another mutant: a condition `not x`, or one `a == b`-like comparison);
- constant: an int n made n+1 and n-1, True / False swapped, and a non-empty string that is compared
  or used as a dict key changed ("K" -> "XXKXX"): a key written (`x["K"] = v`, `{"K": v}`) or read
  with a default (`x.get("K")`, `x.pop("K", None)`);
- delete: a simple statement replaced with `pass`;
- boolop: `and` / `or` swapped;
- normalize: `.lower()` or `.strip()` added to a client-chosen identifier (a name such as `user_id`,
  `app_id`, `endpoint_id`, or a path parameter such as `p["user-id"]`) where it is compared, used as
  a key or passed as an argument: the normalizations real servers add by mistake.

Left alone, because a mutant there says nothing about the API: the `if __name__ == "__main__"`
block, functions that parse the command line (they build an `argparse.ArgumentParser`), logging
(`log_message`, `verbose`, `print`/`logging` calls) and f-strings (error messages). Strings outside
comparisons and keys (an exception's message, an error type passed to a constructor) are not
mutated either, so that cosmetic mutants do not flood the study. Docstrings, imports and
definitions are never deleted. Nor are mutants made that can only crash: deleting an assignment
that binds plain names outside a class body (a NameError at the next use), renaming a key read where
it must exist (`x["K"]`: a KeyError). Compound statements are not deleted: that repeats the deletion
of the statements inside, and negate covers their conditions.

A mutant's ID is `L<line>-<operator>-<detail>-<n>`, n counting from 0 the mutants of that line with
that operator and detail; it depends only on the source, so it stays valid while the file does.
Mutants whose source is identical to an earlier one's (or to the unmutated file's) are dropped, and
so is a mutant that does not compile (both counted; neither is expected).
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

OPERATORS = ("compare", "negate", "constant", "delete", "boolop", "normalize")

SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}  # fmt: skip
OP_NAMES = {ast.Eq: "eq", ast.NotEq: "noteq", ast.Lt: "lt", ast.LtE: "lte", ast.Gt: "gt", ast.GtE: "gte",
            ast.In: "in", ast.NotIn: "notin", ast.Is: "is", ast.IsNot: "isnot"}  # fmt: skip

# The identifiers a client chooses (user, application and endpoint IDs, as names or as path
# parameters looked up by key): the values a server normalizes by mistake.
ID_NAME = re.compile(r"(?:^|_)(?:user|app|application|endpoint)_?id$")
ID_KEY = re.compile(r"(?:^|-)id$|Id$")
# A negated `a == b` is `a != b`: such conditions are left to the compare operator.
NEGATABLE = (ast.Eq, ast.NotEq, ast.In, ast.NotIn, ast.Is, ast.IsNot)
NORMALIZATIONS = ("lower", "strip")
KEY_METHODS = {"get", "pop", "setdefault"}  # their first argument is a dict key
LOGGING_NAMES = {"log_message", "verbose"}
LOGGING_CALLS = {"print", "logging", "logger", "log", "log_message"}
STRING_MARK = "XX"  # a changed string: "ACTIVE" -> "XXACTIVEXX", as mutmut does
# Never deleted: definitions and imports (a NameError, not a behaviour), and compound statements
# (deleting an `if` or a `with` repeats the deletion of the statements inside, and negate covers the
# condition).
KEPT_STATEMENTS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Pass,
                   ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match)  # fmt: skip


@dataclass(frozen=True)
class Mutant:
    id: str
    line: int
    column: int
    operator: str
    detail: str
    description: str  # one line: "line 123: `a == b` -> `a != b`"
    source: str  # the whole mutated file


@dataclass
class Generation:
    mutants: list[Mutant]
    invalid: int = 0  # mutants dropped because they did not compile
    duplicates: int = 0  # mutants dropped because an earlier one (or the original) had the same source

    def per_operator(self) -> dict[str, int]:
        counts = Counter(m.operator for m in self.mutants)
        return {op: counts[op] for op in OPERATORS}


@dataclass(frozen=True)
class _Site:
    """A node that can be mutated, and how: `rewrite` maps (a copy of) it to its replacement."""

    path: tuple[str | int, ...]  # from the module: field names and list indices
    line: int
    column: int
    operator: str
    detail: str
    rewrite: Callable[[ast.AST], ast.AST]
    context: tuple[str | int, ...]  # the node the description shows: `path` or an enclosing expression
    keyword: str = ""  # printed before the snippet: "if" for a negated condition
    order: int = 0  # the walk's order, the last tie-breaker


def _children(node: ast.AST) -> Iterator[tuple[tuple[str | int, ...], ast.AST]]:
    for name, value in ast.iter_fields(node):
        if isinstance(value, ast.AST):
            yield (name,), value
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, ast.AST):
                    yield (name, index), item


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def _is_main_guard(node: ast.AST) -> bool:
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    names = [node.test.left, *node.test.comparators]
    return any(isinstance(n, ast.Name) and n.id == "__name__" for n in names)


def _call_name(node: ast.Call) -> str:
    """The logging name a call goes through (`print`, `logging`, `logger`...), else its own name:
    `ArgumentParser` for argparse.ArgumentParser(...), `info` for self.audit.info(...)."""
    names: list[str] = []
    func: ast.expr = node.func
    while isinstance(func, ast.Attribute):
        names.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        names.append(func.id)
    return next((name for name in names if name in LOGGING_CALLS), names[0] if names else "")


def _skipped(node: ast.AST) -> bool:
    """Regions whose mutants say nothing about the API (see the module's docstring)."""
    if _is_main_guard(node) or isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        parses_arguments = any(isinstance(n, ast.Call) and _call_name(n) == "ArgumentParser" for n in ast.walk(node))
        return parses_arguments or node.name in LOGGING_NAMES
    if isinstance(node, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id in LOGGING_NAMES for t in node.targets)
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        return _call_name(node.value) in LOGGING_CALLS
    return False


def _looks_like_id(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return bool(ID_NAME.search(node.id))
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
        key = node.slice
        return isinstance(key, ast.Constant) and isinstance(key.value, str) and bool(ID_KEY.search(key.value))
    return False


def _key_positions(node: ast.AST) -> Iterator[tuple[tuple[str | int, ...], ast.AST]]:
    """Where a string is compared or used as a dict key, and (for normalize) passed as an argument."""
    if isinstance(node, ast.Compare):
        yield ("left",), node.left
        for index, comparator in enumerate(node.comparators):
            yield ("comparators", index), comparator
    elif isinstance(node, ast.Subscript):
        yield ("slice",), node.slice
    elif isinstance(node, ast.Dict):
        for index, key in enumerate(node.keys):
            if key is not None:
                yield ("keys", index), key


def _argument_positions(node: ast.Call) -> Iterator[tuple[tuple[str | int, ...], ast.AST]]:
    for index, argument in enumerate(node.args):
        yield ("args", index), argument
    for index, keyword in enumerate(node.keywords):
        yield ("keywords", index, "value"), keyword.value


def _string_keys(node: ast.AST) -> Iterator[tuple[tuple[str | int, ...], ast.Constant]]:
    """The non-empty string constants of `node` that are compared or used as keys; the elements of a
    tuple, list or set compared with `in` count too (`x in ("ALL", "NONE")`). A key that is only
    read where it must exist (`x["K"]`, `del x["K"]`, `x.pop("K")`) is left alone: renamed, it is
    a KeyError, a crash rather than a change of behaviour (as a deleted binding is a NameError).
    Written (`x["K"] = v`, `{"K": v}`) or read with a default (`x.get("K")`), it is mutated."""
    if isinstance(node, ast.Subscript) and not isinstance(node.ctx, ast.Store):
        return
    positions = list(_key_positions(node))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in KEY_METHODS:
        optional = node.func.attr != "pop" or len(node.args) + len(node.keywords) > 1
        positions += list(_argument_positions(node))[:1] if optional else []
    for path, value in positions:
        if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value:
            yield path, value
        elif isinstance(node, ast.Compare) and isinstance(value, ast.Tuple | ast.List | ast.Set):
            for index, element in enumerate(value.elts):
                if isinstance(element, ast.Constant) and isinstance(element.value, str) and element.value:
                    yield (*path, "elts", index), element


def _slug(text: str) -> str:
    """A string's letters and digits for an ID; its UTF-8 in hex if it has none ("://" -> "3a2f2f")."""
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")[:24] or text.encode()[:12].hex()


class _Collector:
    """Walks the module once and records every site; nothing is mutated here."""

    def __init__(self) -> None:
        self.sites: list[_Site] = []

    def add(self, path: tuple[str | int, ...], node: ast.AST, operator: str, detail: str,
            rewrite: Callable[[ast.AST], ast.AST], *, context: tuple[str | int, ...] | None = None,
            keyword: str = "") -> None:  # fmt: skip
        self.sites.append(_Site(path, node.lineno, node.col_offset, operator, detail, rewrite,
                                path if context is None else context, keyword, len(self.sites)))  # fmt: skip

    def visit(self, node: ast.AST, path: tuple[str | int, ...], parent: ast.AST | None = None) -> None:
        if _skipped(node):
            return
        self.node_sites(node, path, parent)
        has_docstring = isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        for child_path, child in _children(node):
            if isinstance(child, ast.stmt) and child_path[0] in {"body", "orelse", "finalbody"}:
                docstring = has_docstring and child_path == ("body", 0) and _is_docstring(child)
                self.statement_site((*path, *child_path), child, docstring, isinstance(node, ast.ClassDef))
            self.visit(child, (*path, *child_path), node)

    def statement_site(self, path: tuple[str | int, ...], node: ast.stmt, docstring: bool, in_class: bool) -> None:
        if docstring or isinstance(node, KEPT_STATEMENTS) or _skipped(node):
            return
        # Without its binding, a local or module-level name is a NameError at its first use: a
        # crash, not a change of behaviour. A class attribute falls back to the base class's.
        if _binds_names_only(node) and not in_class:
            return
        self.add(path, node, "delete", type(node).__name__.lower(), lambda _: ast.Pass())

    def node_sites(self, node: ast.AST, path: tuple[str | int, ...], parent: ast.AST | None) -> None:
        if isinstance(node, ast.Compare):
            self.compare_sites(node, path)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            self.add(path, node, "negate", "remove-not", lambda n: n.operand)  # type: ignore[attr-defined]
        if isinstance(node, ast.If | ast.While | ast.IfExp) and not _negation_is_elsewhere(node.test):
            keyword = "while" if isinstance(node, ast.While) else "if"
            detail = "negate-" + ("ifexp" if isinstance(node, ast.IfExp) else keyword)
            self.add((*path, "test"), node.test, "negate", detail, lambda n: ast.UnaryOp(ast.Not(), n),
                     keyword=keyword)  # fmt: skip
        if isinstance(node, ast.BoolOp):
            other: type[ast.boolop] = ast.Or if isinstance(node.op, ast.And) else ast.And
            detail = "and-or" if other is ast.Or else "or-and"
            self.add(path, node, "boolop", detail, lambda n: ast.BoolOp(other(), n.values))  # type: ignore[attr-defined]
        if isinstance(node, ast.Constant):
            # Shown inside the expression that holds it: `ApiError(405, ...)` says more than `405`.
            context = path[: -2 if isinstance(path[-1], int) else -1] if _shows(parent) else path
            self.number_sites(node, path, context)
        for key_path, constant in _string_keys(node):
            changed = f"{STRING_MARK}{constant.value}{STRING_MARK}"
            self.add((*path, *key_path), constant, "constant", f"str-{_slug(constant.value)}",
                     lambda _, changed=changed: ast.Constant(changed),
                     context=self.context(node, path, key_path))  # fmt: skip
        self.normalize_sites(node, path)

    @staticmethod
    def context(node: ast.AST, path: tuple[str | int, ...], sub_path: tuple[str | int, ...]) -> tuple[str | int, ...]:
        """A key is shown with its comparison, subscript or call; a dict display's key alone."""
        return path if _shows(node) else (*path, *sub_path)

    def compare_sites(self, node: ast.Compare, path: tuple[str | int, ...]) -> None:
        for index, op in enumerate(node.ops):
            new = SWAPS.get(type(op))
            if new is None:
                continue

            def rewrite(n: ast.AST, index: int = index, new: type[ast.cmpop] = new) -> ast.AST:
                assert isinstance(n, ast.Compare)
                n.ops[index] = new()
                return n

            self.add(path, node, "compare", f"{OP_NAMES[type(op)]}-{OP_NAMES[new]}", rewrite)

    def number_sites(self, node: ast.Constant, path: tuple[str | int, ...], context: tuple[str | int, ...]) -> None:
        value = node.value
        if isinstance(value, bool):
            self.add(path, node, "constant", f"bool-{value}-{not value}", lambda _: ast.Constant(not value),
                     context=context)  # fmt: skip
        elif isinstance(value, int):
            for new in (value + 1, value - 1):
                detail = f"int-{value}-{new}".replace("--", "-m")
                self.add(path, node, "constant", detail, lambda _, new=new: ast.Constant(new), context=context)

    def normalize_sites(self, node: ast.AST, path: tuple[str | int, ...]) -> None:
        positions = list(_key_positions(node))
        if isinstance(node, ast.Call):
            positions += list(_argument_positions(node))
        for sub_path, value in positions:
            if not _looks_like_id(value):
                continue
            for method in NORMALIZATIONS:

                def rewrite(n: ast.AST, method: str = method) -> ast.AST:
                    assert isinstance(n, ast.expr)
                    return ast.Call(ast.Attribute(n, method, ast.Load()), [], [])

                self.add((*path, *sub_path), value, "normalize", method, rewrite,
                         context=self.context(node, path, sub_path))  # fmt: skip


def _binds_names_only(node: ast.stmt) -> bool:
    """`x = ...` or `a, b = ...`: an assignment that binds plain names and nothing else."""
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign):
        targets = [node.target]
    else:
        return False
    names = [e for t in targets for e in (t.elts if isinstance(t, ast.Tuple | ast.List) else [t])]
    return all(isinstance(name, ast.Name) for name in names)


def _negation_is_elsewhere(test: ast.expr) -> bool:
    """Whether negating `test` would repeat another mutant: `not x` (remove-not) or `a == b` (compare)."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return True
    return isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], NEGATABLE)


def _shows(node: ast.AST | None) -> bool:
    """Whether a description shows a mutated node inside `node` (an expression short enough to read)."""
    return isinstance(node, ast.expr) and not isinstance(node, ast.Dict | ast.List | ast.Set | ast.JoinedStr)


def _locate(tree: ast.AST, path: tuple[str | int, ...]) -> tuple[object, str | int]:
    """The container (a node or a list) holding the node at `path`, and its key in it."""
    holder: object = tree
    for step in path[:-1]:
        holder = holder[step] if isinstance(step, int) else getattr(holder, step)  # type: ignore[index]
    return holder, path[-1]


def _node_at(tree: ast.AST, path: tuple[str | int, ...]) -> ast.AST:
    if not path:
        return tree
    holder, key = _locate(tree, path)
    return holder[key] if isinstance(key, int) else getattr(holder, key)  # type: ignore[index]


@contextmanager
def _mutated(tree: ast.Module, site: _Site) -> Iterator[tuple[str, str]]:
    """`tree` mutated in place at the site, and restored on leaving (cheaper than a fresh parse for
    each mutant); yields the snippets of the site's context before and after."""
    before = _snippet(_node_at(tree, site.context))
    holder, key = _locate(tree, site.path)
    node = _node_at(tree, site.path)
    new = ast.fix_missing_locations(ast.copy_location(site.rewrite(copy.deepcopy(node)), node))
    _put(holder, key, new)
    try:
        yield before, _snippet(_node_at(tree, site.context))
    finally:
        _put(holder, key, node)


def _put(holder: object, key: str | int, node: ast.AST) -> None:
    if isinstance(key, int):
        holder[key] = node  # type: ignore[index]
    else:
        setattr(holder, key, node)


class _Splicer:
    """The module's unparsed text as its top-level statements' texts and what separates them, so
    that a mutant re-unparses (and compiles) only the statement it changes. A top-level statement
    unparses alone as in its module, except the module's docstring (written as a docstring only in
    its module): a statement whose text is not found in the module's is left inside a separator,
    and a mutant of it (none is made) unparses the whole module. The splice is checked once."""

    def __init__(self, tree: ast.Module) -> None:
        self.full = ast.unparse(tree)
        self.parts: list[str | None] = []
        self.separators: list[str] = []
        position = 0
        for statement in tree.body:
            part = ast.unparse(statement)
            found = self.full.find(part, position)
            if found < 0:
                self.parts.append(None)
                self.separators.append("")
                continue
            self.parts.append(part)
            self.separators.append(self.full[position:found])
            position = found + len(part)
        self.tail = self.full[position:]
        self.spliced = self.text(-1, "") == self.full  # else (another Python's unparse) the slow way

    def text(self, index: int, part: str) -> str:
        """The module with top-level statement `index` unparsed as `part` (-1: none replaced)."""
        parts = [part if i == index else p or "" for i, p in enumerate(self.parts)]
        return "".join(s + p for s, p in zip(self.separators, parts, strict=True)) + self.tail

    def mutant(self, tree: ast.Module, index: int, filename: str) -> str:
        """The mutated module's text (the tree is mutated); raises SyntaxError if it does not compile."""
        if not self.spliced or self.parts[index] is None:
            text = ast.unparse(tree)
            compile(text, filename, "exec")
            return text
        part = ast.unparse(tree.body[index])
        compile(part, filename, "exec")  # a top-level statement compiles alone iff it does in its module
        return self.text(index, part)


def _snippet(node: ast.AST, limit: int = 90) -> str:
    lines = ast.unparse(node).splitlines() or [""]
    text = lines[0] + (" …" if len(lines) > 1 else "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(site: _Site, before: str, after: str) -> str:
    prefix = f"{site.keyword} " if site.keyword else ""
    return f"line {site.line}: `{prefix}{before}` -> `{prefix}{after}`"


def generate_source(source: str, filename: str = "<source>") -> Generation:
    tree = ast.parse(source, filename)
    collector = _Collector()
    collector.visit(tree, ())
    splicer = _Splicer(tree)
    sites = sorted(collector.sites, key=lambda s: (s.line, s.column, s.operator, s.detail, s.order))
    generation = Generation([])
    seen = {splicer.full}
    per_kind: Counter[tuple[int, str, str]] = Counter()
    for site in sites:
        with _mutated(tree, site) as (before, after):
            try:
                mutated = splicer.mutant(tree, int(site.path[1]), filename)  # path: ("body", index, ...)
            except (SyntaxError, ValueError):
                generation.invalid += 1
                continue
        if mutated in seen:
            generation.duplicates += 1
            continue
        seen.add(mutated)
        kind = (site.line, site.operator, site.detail)
        mutant_id = f"L{site.line}-{site.operator}-{site.detail}-{per_kind[kind]}"
        per_kind[kind] += 1
        generation.mutants.append(Mutant(mutant_id, site.line, site.column, site.operator, site.detail,
                                         _describe(site, before, after), mutated))  # fmt: skip
    return generation


def generate(path: Path) -> Generation:
    return generate_source(path.read_text(), str(path))


def main() -> None:
    parser = argparse.ArgumentParser(description="List the mutants of a Python file.")
    parser.add_argument("file", type=Path)
    args = parser.parse_args()
    generation = generate(args.file)
    for mutant in generation.mutants:
        print(f"{mutant.id}\t{mutant.description}")
    counts = ", ".join(f"{op} {n}" for op, n in generation.per_operator().items())
    print(f"{len(generation.mutants)} mutants ({counts}); dropped: {generation.duplicates} duplicates, "
          f"{generation.invalid} invalid")  # fmt: skip


if __name__ == "__main__":
    main()
