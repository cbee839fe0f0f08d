"""The app shell finds the built entry, its CSS and the chunks it imports."""

from __future__ import annotations

import json
from pathlib import Path

from xsight.frontend import load_assets


def test_manifest_entry_css_and_preloads(tmp_path: Path) -> None:
    (tmp_path / ".vite").mkdir()
    (tmp_path / ".vite" / "manifest.json").write_text(json.dumps({
        "index.html": {"file": "assets/index-1.js", "isEntry": True, "css": ["assets/index-1.css"],
                       "imports": ["_vendor.js"]},
        "_vendor.js": {"file": "assets/vendor-2.js"},
    }))
    assets = load_assets(tmp_path, "/s/")
    assert assets.built
    assert assets.scripts == ["/s/assets/index-1.js"]
    assert assets.styles == ["/s/assets/index-1.css"]
    assert assets.preloads == ["/s/assets/vendor-2.js"]


def test_no_build_means_no_assets(tmp_path: Path) -> None:
    assert not load_assets(tmp_path).built
