"""Charts for the organisation's dashboard, drawn as inline SVG so the page reads without
JavaScript, prints, and passes through GitHub Pages unchanged."""

from __future__ import annotations

from html import escape

# the phases a request goes through, in order (the record's phase names)
PHASES = ("check", "validation", "sign-off", "workflow-retrieval", "execution", "disclosure",
          "publication")
COLOURS = {"completed": "#16a34a", "failed": "#dc2626", "current": "#f59e0b",
           "active": "#f59e0b", "potential": "#f59e0b", "todo": "#d1d5db"}


def bars(title: str, values: dict[str, float], unit: str = "") -> str:
    """A horizontal bar chart of ``values`` (label -> number), labelled with the numbers."""
    width, row, label_w = 560, 24, 170
    top = max(values.values(), default=0.0) or 1.0
    height = row * max(len(values), 1) + 30
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" '
             'xmlns="http://www.w3.org/2000/svg">', f"<title>{escape(title)}</title>",
             f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>']
    if not values:
        parts.append('<text x="0" y="40">no data yet</text>')
    for i, (label, value) in enumerate(values.items()):
        y = 26 + i * row
        w = int((width - label_w - 80) * value / top)
        parts.append(f'<text x="0" y="{y + 15}">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{max(w, 1)}" height="16" '
                     'fill="#2563eb"/>')
        parts.append(f'<text x="{label_w + w + 6}" y="{y + 15}">{value:g}{escape(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def phase_diagram(statuses: dict[str, str], current: str, state: str) -> str:
    """The request's path through the phases: done green, failed red, current amber."""
    box, gap, height = 104, 10, 58
    width = len(PHASES) * (box + gap)
    parts = [f'<svg class="phases" role="img" aria-label="phases: {escape(state)}" '
             f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             'xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(state)}</title>"]
    for i, phase in enumerate(PHASES):
        status = statuses.get(phase, "todo")
        if phase == current and status not in ("completed", "failed"):
            status = "current"
        x = i * (box + gap)
        parts.append(f'<rect x="{x}" y="8" width="{box}" height="34" rx="6" '
                     f'fill="{COLOURS.get(status, COLOURS["todo"])}"/>')
        parts.append(f'<text x="{x + box // 2}" y="30" text-anchor="middle" '
                     f'font-size="11">{escape(phase)}</text>')
        if i:
            parts.append(f'<line x1="{x - gap}" y1="25" x2="{x}" y2="25" stroke="#6b7280"/>')
        parts.append(f'<text x="{x + box // 2}" y="54" text-anchor="middle" '
                     f'font-size="9">{escape(status)}</text>')
    parts.append("</svg>")
    return "".join(parts)
