"""Draws the installable app's icons (portal/pwa.py ICON_SIZES) from the favicon's design: the
brand blue with a white tick, drawn again at each size rather than scaled, so the tick stays
sharp. The PNGs are committed; run this again only when the design changes."""

from pathlib import Path

from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw

from portal import pwa

STATIC = Path(__file__).resolve().parents[2] / "static"
# portal/static/portal/favicon.svg, on its 32-unit grid.
TICK = [(9, 17), (14, 22), (23, 10)]
TICK_WIDTH = 3.5


def draw(size: int) -> Image.Image:
    # Full-bleed square: launchers round or mask it themselves.
    image = Image.new("RGB", (size, size), pwa.THEME_COLOUR)
    unit = size / 32
    # The tick at 80 % around the centre, inside the safe zone of a masked (circular) icon.
    scale, offset = unit * 0.8, size * 0.1
    points = [(offset + x * scale, offset + y * scale) for x, y in TICK]
    width = round(TICK_WIDTH * scale)
    pen = ImageDraw.Draw(image)
    pen.line(points, fill="#ffffff", width=width, joint="curve")
    for x, y in (points[0], points[-1]):  # round caps, as the favicon's stroke-linecap
        pen.ellipse([x - width / 2, y - width / 2, x + width / 2, y + width / 2], fill="#ffffff")
    return image


class Command(BaseCommand):
    help = "Draw the app icons (PNG) under portal/static/portal/icons/."
    requires_system_checks = []  # draws files; needs nothing of the database or services

    def handle(self, *args, **options):
        for size in pwa.ICON_SIZES:
            path = STATIC / pwa.icon_path(size)
            path.parent.mkdir(parents=True, exist_ok=True)
            draw(size).save(path, optimize=True)
            self.stdout.write(str(path.relative_to(STATIC.parent.parent)))
