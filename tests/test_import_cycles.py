"""No import cycles: between any two modules of the kiosk's packages, whether the imports are
at the top of a module or inside a function (grimp, which import-linter uses, sees both).

import-linter's ``acyclic_siblings`` contract (``pyproject.toml``) checks the siblings of each
package; this test looks at the module graph as a whole, so a cycle that runs through two
packages (``kiosk`` → ``printing`` → ``kiosk``) is caught too. ``benchmarks`` is left out
until its own cycle fix (``run`` ↔ ``bundle``) is committed.
"""
from __future__ import annotations

import grimp

PACKAGES = ("kiosk", "printing", "offline_cache", "sandbox")


def import_cycles(graph) -> list[list[str]]:
    """The strongly connected components of more than one module (or a module importing
    itself), each sorted: every one holds at least one cycle. Tarjan's algorithm, iterative."""
    modules = sorted(graph.modules)
    inside = set(modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & inside) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []
    for root in modules:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if i < len(edges[node]):
                work.append((node, i + 1))
                nxt = edges[node][i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges[node]:
                    cycles.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(cycles)


def describe(graph, component: list[str]) -> str:
    """One cycle of the component, as a chain of imports with their line numbers."""
    first = component[0]
    lines = []
    for target in component[1:] or component:
        chain = graph.find_shortest_chain(importer=first, imported=target)
        back = graph.find_shortest_chain(importer=target, imported=first)
        if chain and back:
            loop = list(chain) + list(back[1:])
            for a, b in zip(loop, loop[1:]):
                details = graph.get_import_details(importer=a, imported=b)
                where = ", ".join(f"line {d['line_number']}" for d in details[:2])
                lines.append(f"  {a} -> {b} ({where})")
            break
    return "\n".join(lines)


def test_the_checker_finds_a_cycle_through_a_lazy_import():
    graph = grimp.ImportGraph()
    for name in ("p", "p.a", "p.b", "p.c", "q", "q.d"):
        graph.add_module(name)
    graph.add_import(importer="p.a", imported="p.b", line_number=3, line_contents="from p.b import X")
    graph.add_import(importer="p.b", imported="q.d", line_number=9, line_contents="    from q.d import Y")
    graph.add_import(importer="q.d", imported="p.a", line_number=4, line_contents="from p.a import Z")
    graph.add_import(importer="p.c", imported="p.a", line_number=2, line_contents="from p.a import Z")
    assert import_cycles(graph) == [["p.a", "p.b", "q.d"]]
    graph.remove_import(importer="q.d", imported="p.a")
    assert import_cycles(graph) == []


def test_no_module_imports_itself_back():
    graph = grimp.build_graph(*PACKAGES)
    cycles = import_cycles(graph)
    assert cycles == [], "import cycles:\n" + "\n\n".join(describe(graph, c) for c in cycles)


def test_printing_types_come_from_one_module_and_back_ends_from_one_registry():
    from printing import backends, base, cups, escpos_backend

    assert backends.PrintError is base.PrintError is cups.PrintError is escpos_backend.PrintError
    assert cups.QueueState is base.QueueState and escpos_backend.PrinterStatus is base.PrinterStatus
    assert backends.KINDS == ("pdf-folder", "cups", "escpos")
    graph = grimp.build_graph("printing")
    for backend in ("printing.cups", "printing.escpos_backend", "printing.escpos_layout"):
        assert not graph.direct_import_exists(importer=backend, imported="printing.backends"), backend
