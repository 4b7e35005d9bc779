"""The state chart on every object page: the flow's states and transitions (viewflow.fsm.chart, drawn by
vis-network from viewflow's own assets) with the current state filled, laid out left to right."""

import json
import re

from viewflow.fsm import chart

# The current state in the chart: a filled, bold node (vis-network reads these DOT attributes).
CURRENT_STATE_STYLE = 'color="#c62828", fontcolor="#ffffff", borderWidth=3'

DOT_EDGE = re.compile(r'^"([^"]+)" -> "([^"]+)"', re.M)


def marked_chart(process, state: str) -> str:
    """The flow's state chart in DOT (viewflow.fsm.chart) with the current state drawn filled."""
    dot = chart(process.flow.state).rstrip().removesuffix("}")
    return f'{dot}"{state}" [{CURRENT_STATE_STYLE}];\n}}'


def chart_levels(process, dot: str) -> dict:
    """Left-to-right columns for the chart: the longest path from the initial state once the edges that
    lead back (revise, defer, resubmit) are set aside, so the main line reads from draft to the end."""
    edges: dict[str, list[str]] = {}
    for source, target in DOT_EDGE.findall(dot):
        edges.setdefault(source, []).append(target)
        edges.setdefault(target, [])
    root = str(process.model._meta.get_field("state").default)
    forward: dict[str, list[str]] = {node: [] for node in edges}
    on_path, seen = set(), set()

    def visit(node):
        seen.add(node)
        on_path.add(node)
        for target in edges[node]:
            if target in on_path:
                continue  # leads back: not a column step
            forward[node].append(target)
            if target not in seen:
                visit(target)
        on_path.discard(node)

    if root in edges:
        visit(root)
    levels: dict[str, int] = {}

    def level(node):
        if node not in levels:
            parents = [source for source, targets in forward.items() if node in targets]
            levels[node] = 0 if node == root or not parents else 1 + max(level(p) for p in parents)
        return levels[node]

    return {node: level(node) for node in edges}


def chart_context(process, state: str) -> dict:
    dot = marked_chart(process, state)
    return {"chart_dot": dot, "chart_levels": json.dumps(chart_levels(process, dot))}
