"""Find the built front end's entry files from Vite's manifest."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

STATIC_APP_DIR = Path(__file__).resolve().parent / "static" / "app"
ENTRY = "index.html"


@dataclass(frozen=True)
class Assets:
    """The script and style sheets the app shell must load."""

    scripts: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    preloads: list[str] = field(default_factory=list)  # chunks the entry imports statically

    @property
    def built(self) -> bool:
        """Return True when a front-end build is present."""
        return bool(self.scripts)


def load_assets(folder: Path = STATIC_APP_DIR, url_prefix: str = "/static/app/") -> Assets:
    """Return the entry chunk and its CSS from `.vite/manifest.json`, or empty when not built."""
    manifest = folder / ".vite" / "manifest.json"
    if not manifest.exists():
        return Assets()
    data = json.loads(manifest.read_text())
    entry = data.get(ENTRY) or next((v for v in data.values() if v.get("isEntry")), None)
    if entry is None:
        return Assets()
    imports = [data[key]["file"] for key in entry.get("imports", []) if key in data]
    return Assets(scripts=[url_prefix + entry["file"]],
                  styles=[url_prefix + css for css in entry.get("css", [])],
                  preloads=[url_prefix + f for f in imports])
