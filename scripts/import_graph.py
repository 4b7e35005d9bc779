"""Print the import graph between lawflow's apps, as grimp (import-linter's graph builder) reads the code.

    .venv/bin/python scripts/import_graph.py            # app → app, with how many imports each edge has
    .venv/bin/python scripts/import_graph.py --modules  # and every module-level import behind each edge
    .venv/bin/python scripts/import_graph.py --apps     # apps only (pages and API counted in their app)
    .venv/bin/python scripts/import_graph.py --check    # fails on an import cycle between modules of different
                                                        # apps, or a package the contracts do not cover

An app's pages (`<app>.pages`) and API (`<app>.api`) are shown as nodes of their own, so the layers of
DESIGN §13 can be read off: pages and API above web/, web/ above the apps' services, selectors and models,
workflows/ at the bottom. The contracts that keep it so are in pyproject.toml ([tool.importlinter]); `make
layers` checks them.
"""

import sys
import tomllib
from collections import defaultdict
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [p.name for p in sorted(ROOT.iterdir())
            if (p / "__init__.py").exists() and p.name not in ("tests", "scripts")]
OWN_NODES = ("pages", "api")  # shown apart from the rest of their app


def node(module: str, apps_only: bool = False) -> str:
    parts = module.split(".")
    if not apps_only and len(parts) > 1 and parts[1] in OWN_NODES and parts[0] not in ("web", "config"):
        return f"{parts[0]}.{parts[1]}"
    return parts[0]


def cross_app_cycles(graph) -> list[list[str]]:
    """The strongly connected components of the module import graph that span more than one app (Tarjan)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    sys.setrecursionlimit(10_000)

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len({m.split(".")[0] for m in component}) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def uncovered_packages() -> tuple[set[str], set[str]]:
    """(package folders that import-linter's root_packages leave out, root_packages that are no folder): a new app
    outside root_packages would be invisible to every contract."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        roots = set(tomllib.load(f)["tool"]["importlinter"]["root_packages"])
    return set(PACKAGES) - roots, roots - set(PACKAGES)


def main(argv) -> int:
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*PACKAGES, include_external_packages=False)
    edges = defaultdict(list)
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            a, b = node(module, "--apps" in argv), node(imported, "--apps" in argv)
            if a != b:
                edges[(a, b)].append(f"{module} -> {imported}")
    print(f"packages: {', '.join(PACKAGES)}")
    if "--check" in argv or "--cycles" in argv:
        cycles = cross_app_cycles(graph)
        for component in cycles:
            print("cycle across apps: " + ", ".join(component))
        print(f"{len(cycles)} import cycle(s) between modules of different apps")
        missing, stale = uncovered_packages()
        for name in sorted(missing):
            print(f"package {name}/ is not in pyproject.toml [tool.importlinter] root_packages: place it in the contracts")
        for name in sorted(stale):
            print(f"root package {name} of pyproject.toml [tool.importlinter] is no package folder")
        return 1 if cycles or missing or stale else 0
    for (a, b), imports in sorted(edges.items()):
        print(f"{a} -> {b} ({len(imports)})")
        if "--modules" in argv:
            for line in sorted(imports):
                print(f"    {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
