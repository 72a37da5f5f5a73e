"""The public API of a generated package, read from its source with `ast` (nothing is imported).

Importing the base's package would need it installed side by side with the head's; parsing the
source gives the same names and signatures without executing generated code.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

__all__ = ["SurfaceDiff", "diff_surfaces", "public_api"]


def public_api(files: Mapping[str, str]) -> dict[str, str]:
    """Map each public dotted name to a description (kind + signature) from {"pkg/mod.py": source}."""
    api: dict[str, str] = {}
    for path, source in sorted(files.items()):
        module = path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
        if any(part.startswith("_") and part != "__init__" for part in path.removesuffix(".py").split("/")):
            continue
        api[module] = "module"
        try:
            tree = ast.parse(source)
        except SyntaxError as err:
            api[module] = f"module (unparseable: line {err.lineno})"
            continue
        for name, described in _members(tree.body, is_init=path.endswith("__init__.py")):
            api[f"{module}.{name}"] = described
    return api


def _public(name: str) -> bool:
    return not name.startswith("_") or name == "__init__"


def _signature(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    prefix = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    return f"{prefix}({ast.unparse(node.args)}){returns}"


def _members(body: list[ast.stmt], *, is_init: bool, in_class: bool = False) -> Iterator[tuple[str, str]]:
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _public(node.name):
            if node.name == "__init__" and not in_class:
                continue
            yield node.name, _signature(node)
        elif isinstance(node, ast.ClassDef) and _public(node.name):
            bases = ", ".join(ast.unparse(base) for base in node.bases)
            yield node.name, f"class({bases})"
            for name, described in _members(node.body, is_init=False, in_class=True):
                yield f"{node.name}.{name}", described
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and _public(node.target.id):
            default = f" = {ast.unparse(node.value)}" if node.value is not None and in_class else ""
            yield node.target.id, f"{ast.unparse(node.annotation)}{default}"
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and _public(target.id):
                    # enum members: the value is the wire value, so a change of value is a change of API
                    yield target.id, f"= {ast.unparse(node.value)}" if in_class else "attribute"
        elif isinstance(node, ast.ImportFrom) and is_init:
            for alias in node.names:
                name = alias.asname or alias.name
                if _public(name) and name != "*":
                    yield name, f"re-export from {'.' * node.level}{node.module or ''}"


@dataclass
class SurfaceDiff:
    """Names that appear, disappear or change description between two public APIs."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_surfaces(base: Mapping[str, str], head: Mapping[str, str]) -> SurfaceDiff:
    """Compare two `public_api` maps; names inside an added or removed module are folded into it."""
    diff = SurfaceDiff()
    added_modules = {name for name in head.keys() - base.keys() if head[name].startswith("module")}
    removed_modules = {name for name in base.keys() - head.keys() if base[name].startswith("module")}

    def folded(name: str, modules: set[str]) -> bool:
        return any(name.startswith(module + ".") for module in modules)

    diff.added = sorted(n for n in head.keys() - base.keys() if not folded(n, added_modules))
    diff.removed = sorted(n for n in base.keys() - head.keys() if not folded(n, removed_modules))
    diff.changed = sorted((n, base[n], head[n]) for n in base.keys() & head.keys() if base[n] != head[n])
    return diff
