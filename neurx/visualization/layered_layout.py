"""A layered (Sugiyama-style) layout of a directed acyclic graph, in pure Python.

This is how `plot_model` places the boxes when Graphviz's `dot` program is
not installed. The four classic steps:

1. ranks: each node goes one rank below its lowest predecessor (longest path);
2. long edges are cut into one-rank pieces through invisible dummy nodes;
3. the order inside each rank is improved by barycenter sweeps, down and up,
   keeping the order with the fewest edge crossings;
4. positions inside a rank: each node moves towards the mean position of its
   neighbours while keeping the order and a minimum gap, which is an isotonic
   regression solved exactly by pool-adjacent-violators; ranks are stacked
   with room for their tallest node.

What this module owns: geometry only (node sizes in, centres and edge
polylines out). It knows nothing of layers or drawing.
"""
from __future__ import annotations

import dataclasses

_SWEEPS = 12


@dataclasses.dataclass
class Layout:
    """Node centres and edge polylines, in the units of the sizes given.

    `positions[node] = (x, y)` with y growing downwards for rankdir "TB";
    `routes[(source, target)]` is the list of points from the source's centre
    through the dummy nodes to the target's centre; `width`/`height` bound
    the drawing (all coordinates are >= 0).
    """
    positions: dict
    routes: dict
    width: float
    height: float


def _ranks(nodes: list, edges: list) -> dict:
    predecessors = {n: [] for n in nodes}
    indegree = {n: 0 for n in nodes}
    successors = {n: [] for n in nodes}
    for source, target in edges:
        predecessors[target].append(source)
        successors[source].append(target)
        indegree[target] += 1
    ready = [n for n in nodes if indegree[n] == 0]
    rank, order = {}, []
    while ready:
        node = ready.pop(0)
        order.append(node)
        rank[node] = max((rank[p] + 1 for p in predecessors[node]), default=0)
        for child in successors[node]:
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
    if len(order) != len(nodes):
        raise ValueError("The graph has a cycle, so it has no layered layout.")
    return rank


def _split_long_edges(edges, rank):
    """Edges of one rank each (dummy nodes in between), and each edge's chain."""
    short, chains, rank = [], {}, dict(rank)
    for source, target in edges:
        chain = [source]
        for step in range(rank[source] + 1, rank[target]):
            dummy = ("dummy", source, target, step)
            rank[dummy] = step
            chain.append(dummy)
        chain.append(target)
        chains[(source, target)] = chain
        short.extend(zip(chain, chain[1:]))
    return short, chains, rank


def _crossings(layers, down_edges) -> int:
    total = 0
    for upper, lower in zip(layers, layers[1:]):
        position = {n: i for i, n in enumerate(lower)}
        pairs = sorted((i, position[t]) for i, n in enumerate(upper)
                       for t in down_edges.get(n, ()) if t in position)
        for a in range(len(pairs)):
            for b in range(a + 1, len(pairs)):
                if pairs[a][0] < pairs[b][0] and pairs[a][1] > pairs[b][1]:
                    total += 1
    return total


def _order(rank, short_edges, node_order) -> list:
    count = max(rank.values()) + 1
    sequence = {n: i for i, n in enumerate(node_order)}
    layers = [[] for _ in range(count)]
    for node in sorted(rank, key=lambda n: sequence.get(n, len(sequence))):
        layers[rank[node]].append(node)
    down, up = {}, {}
    for source, target in short_edges:
        down.setdefault(source, []).append(target)
        up.setdefault(target, []).append(source)
    best, best_crossings = [list(l) for l in layers], _crossings(layers, down)
    for sweep in range(_SWEEPS):
        indices = range(1, count) if sweep % 2 == 0 else range(count - 2, -1, -1)
        neighbours = up if sweep % 2 == 0 else down
        for index in indices:
            adjacent = layers[index - 1] if sweep % 2 == 0 else layers[index + 1]
            position = {n: i for i, n in enumerate(adjacent)}
            current = {n: i for i, n in enumerate(layers[index])}

            layers[index].sort(key=lambda n: (_barycenter(n, neighbours, position, current),
                                              current[n]))
        crossings = _crossings(layers, down)
        if crossings < best_crossings:
            best, best_crossings = [list(l) for l in layers], crossings
    return best


def _isotonic(values: list, weights: list) -> list:
    """The non-decreasing sequence closest to `values` in weighted least squares."""
    blocks = []  # [mean, weight, count]
    for value, weight in zip(values, weights):
        blocks.append([value, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean2, weight2, count2 = blocks.pop()
            mean1, weight1, count1 = blocks.pop()
            total = weight1 + weight2
            blocks.append([(mean1 * weight1 + mean2 * weight2) / total, total, count1 + count2])
    return [mean for mean, _, count in blocks for _ in range(count)]


def _place_rank(layer, desired, breadth, gap) -> list:
    offsets = [0.0]
    for left, right in zip(layer, layer[1:]):
        offsets.append(offsets[-1] + (breadth[left] + breadth[right]) / 2 + gap)
    shifted = _isotonic([d - o for d, o in zip(desired, offsets)],
                        [0.25 if isinstance(n, tuple) and n and n[0] == "dummy" else 1.0
                         for n in layer])
    return [s + o for s, o in zip(shifted, offsets)]


def layered_layout(nodes: list, edges: list, sizes: dict, rankdir: str = "TB",
                   node_gap: float = 24.0, rank_gap: float = 40.0) -> Layout:
    """Places `nodes` (hashable, in a preferred order) of a DAG with `edges` (pairs).

    `sizes[node] = (width, height)`. `rankdir` is "TB" (top to bottom), "BT",
    "LR" (left to right) or "RL", as in Graphviz.

    Example:

    >>> layout = layered_layout(["a", "b", "c"], [("a", "b"), ("a", "c")],
    ...                         {"a": (40, 20), "b": (40, 20), "c": (40, 20)})
    >>> layout.positions["a"][1] < layout.positions["b"][1] == layout.positions["c"][1]
    True
    >>> abs(layout.positions["b"][0] - layout.positions["c"][0]) >= 40 + 24
    True
    """
    if rankdir not in ("TB", "BT", "LR", "RL"):
        raise ValueError(f"`rankdir` must be 'TB', 'BT', 'LR' or 'RL'. Received: rankdir={rankdir!r}")
    if not nodes:
        return Layout({}, {}, 0.0, 0.0)
    horizontal = rankdir in ("LR", "RL")
    # In layout coordinates the ranks run along "depth" and a rank spreads along "breadth".
    breadth = {n: sizes[n][1] if horizontal else sizes[n][0] for n in nodes}
    depth = {n: sizes[n][0] if horizontal else sizes[n][1] for n in nodes}
    edges = [(s, t) for s, t in dict.fromkeys(edges) if s != t]
    rank = _ranks(nodes, edges)
    short, chains, rank = _split_long_edges(edges, rank)
    for node in rank:
        breadth.setdefault(node, 2.0)
        depth.setdefault(node, 0.0)
    layers = _order(rank, short, nodes)
    up, down = {}, {}
    for source, target in short:
        down.setdefault(source, []).append(target)
        up.setdefault(target, []).append(source)
    place = {}
    for layer in layers:
        x = 0.0
        for node in layer:
            place[node] = x + breadth[node] / 2
            x += breadth[node] + node_gap
    for sweep in range(2 * _SWEEPS):
        neighbours = up if sweep % 2 == 0 else down
        ordered = layers if sweep % 2 == 0 else layers[::-1]
        for layer in ordered:
            desired = []
            for node in layer:
                linked = [place[m] for m in neighbours.get(node, ())]
                desired.append(sum(linked) / len(linked) if linked else place[node])
            for node, value in zip(layer, _place_rank(layer, desired, breadth, node_gap)):
                place[node] = value
    low = min(place[n] - breadth[n] / 2 for n in place)
    place = {n: v - low for n, v in place.items()}
    extent = max(place[n] + breadth[n] / 2 for n in place)
    level, centre = 0.0, []
    for layer in layers:
        tallest = max(depth[n] for n in layer)
        centre.append(level + tallest / 2)
        level += tallest + rank_gap
    total_depth = level - rank_gap

    def point(node):
        along, across = place[node], centre[rank[node]]
        if rankdir in ("BT", "RL"):  # ranks run the other way
            across = total_depth - across
        return (across, along) if horizontal else (along, across)

    positions = {n: point(n) for n in nodes}
    routes = {edge: [point(n) for n in chain] for edge, chain in chains.items()}
    width, height = (total_depth, extent) if horizontal else (extent, total_depth)
    return Layout(positions, routes, width, height)


def _barycenter(node, neighbours, position, current) -> float:
    """Mean position of `node`'s neighbours in the adjacent layer (its own position if none)."""
    linked = [position[m] for m in neighbours.get(node, ()) if m in position]
    return sum(linked) / len(linked) if linked else current[node]
