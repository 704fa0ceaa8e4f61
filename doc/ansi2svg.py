#!/usr/bin/env python3
"""ansi2svg: turn a terminal screen captured with `tmux capture-pane -e -p -N` (text with SGR
colour sequences) into an SVG picture of that screen: one cell a character, xterm colours on
a dark background. Usage: ansi2svg.py COLS ROWS < screen.ans > screen.svg"""
import re
import sys
from xml.sax.saxutils import escape

FONT_PX = 14
CELL_W = FONT_PX * 0.6021   # DejaVu Sans Mono's advance
CELL_H = FONT_PX * 1.25
PAD = 10
FG, BG = "#d0d0d0", "#1d1f21"
BASE16 = ["#1d1f21", "#cc6666", "#8abe52", "#e0b050", "#5f87d7", "#b294bb", "#5fafaf",
          "#c5c8c6", "#666666", "#ff6e6e", "#b5e870", "#f0d070", "#81a2ee", "#d7a0e0",
          "#8ad5d5", "#ffffff"]


def color256(n):
    """Colour N of the xterm 256-colour palette, as #rrggbb."""
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[n // 6 % 6], steps[n % 6])
    v = 8 + 10 * (n - 232)
    return "#%02x%02x%02x" % (v, v, v)


class Style:
    """The SGR state: colours (None: the default), bold, dim, underline, reverse."""

    def __init__(self):
        self.fg = self.bg = None
        self.bold = self.dim = self.under = self.rev = False

    def key(self):
        return (self.fg, self.bg, self.bold, self.dim, self.under, self.rev)

    def apply(self, params):
        p = [int(x) if x else 0 for x in params.split(";")] if params else [0]
        i = 0
        while i < len(p):
            c = p[i]
            if c == 0:
                self.__init__()
            elif c in (1, 2, 4, 7):
                setattr(self, {1: "bold", 2: "dim", 4: "under", 7: "rev"}[c], True)
            elif c == 22:
                self.bold = self.dim = False
            elif c in (24, 27):
                setattr(self, "under" if c == 24 else "rev", False)
            elif 30 <= c <= 37 or 90 <= c <= 97:
                self.fg = color256(c - 30 if c < 90 else c - 82)
            elif 40 <= c <= 47 or 100 <= c <= 107:
                self.bg = color256(c - 40 if c < 100 else c - 92)
            elif c in (39, 49):
                setattr(self, "fg" if c == 39 else "bg", None)
            elif c in (38, 48) and i + 1 < len(p):
                if p[i + 1] == 5 and i + 2 < len(p):
                    col, i = color256(p[i + 2]), i + 2
                elif p[i + 1] == 2 and i + 4 < len(p):
                    col, i = "#%02x%02x%02x" % tuple(p[i + 2:i + 5]), i + 4
                else:
                    col = None
                setattr(self, "fg" if c == 38 else "bg", col)
            i += 1


def cells(line, style):
    """The cells of one captured line: (character, style key) each."""
    out = []
    for tok in re.split(r"(\x1b\[[0-9;]*[A-Za-z])", line):
        if tok.startswith("\x1b["):
            if tok.endswith("m"):
                style.apply(tok[2:-1])
            continue
        for ch in tok:
            out.append((ch, style.key()))
    return out


def runs(row):
    """Cells grouped into runs of one style: (first column, text, style key)."""
    start = 0
    for i in range(1, len(row) + 1):
        if i == len(row) or row[i][1] != row[start][1]:
            yield start, "".join(c for c, _ in row[start:i]), row[start][1]
            start = i


def svg(lines, cols, rows):
    w, h = PAD * 2 + cols * CELL_W, PAD * 2 + rows * CELL_H
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d">' % (w, h),
           '<rect width="100%%" height="100%%" fill="%s"/>' % BG,
           '<g font-family="DejaVu Sans Mono, monospace" font-size="%d">' % FONT_PX]
    style = Style()
    for y, line in enumerate(lines[:rows]):
        row = cells(line, style)[:cols]
        for x, text, (fg, bg, bold, dim, under, rev) in runs(row):
            fg, bg = fg or FG, bg
            if rev:
                fg, bg = bg or BG, fg
            px, py = PAD + x * CELL_W, PAD + y * CELL_H
            if bg:
                out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>'
                           % (px, py, len(text) * CELL_W + 0.5, CELL_H + 0.5, bg))
            if not text.strip():
                continue
            attrs = ' font-weight="bold"' if bold else ""
            attrs += ' opacity="0.6"' if dim else ""
            attrs += ' text-decoration="underline"' if under else ""
            out.append('<text x="%.1f" y="%.1f" fill="%s" textLength="%.1f" '
                       'lengthAdjust="spacingAndGlyphs" xml:space="preserve"%s>%s</text>'
                       % (px, py + FONT_PX, fg, len(text) * CELL_W, attrs, escape(text)))
    out.append("</g></svg>")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("Usage: ")[1])
    cols, rows = int(sys.argv[1]), int(sys.argv[2])
    lines = sys.stdin.buffer.read().decode("utf-8", "replace").split("\n")
    sys.stdout.write(svg(lines, cols, rows))


if __name__ == "__main__":
    main()
