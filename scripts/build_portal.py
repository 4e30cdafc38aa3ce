"""Build the portal's static files (`make`): services/portal/static/portal.css and htmx.min.js.

    python scripts/build_portal.py

npm installs exactly what services/portal/assets/package-lock.json pins (`npm ci`) into
services/portal/assets/node_modules; then one CSS file is written: the Utrecht design tokens
(NL Design System), the Utrecht components, and the portal's own few rules
(services/portal/assets/portal.css), in that order. htmx is copied as its release ships it.
axe-core stays in node_modules, for the browser tests (tests/browser). Standard library only:
it runs before the virtual environment is needed. Node and npm come from Debian when missing
(scripts/ensure_services.py).
"""
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from ensure_services import ensure_node  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "services" / "portal" / "assets"
STATIC = ROOT / "services" / "portal" / "static"
MODULES = ASSETS / "node_modules"
STAMP = MODULES / ".kring-installed"
CSS_PARTS = (MODULES / "@utrecht" / "design-tokens" / "dist" / "root.css",
             MODULES / "@utrecht" / "component-library-css" / "dist" / "index.css",
             ASSETS / "portal.css")
HTMX = MODULES / "htmx.org" / "dist" / "htmx.min.js"
AXE = MODULES / "axe-core" / "axe.min.js"


def installed():
    """npm ci again only when the lock file changed since the last install."""
    lock = ASSETS / "package-lock.json"
    return STAMP.exists() and STAMP.stat().st_mtime >= lock.stat().st_mtime and AXE.exists()


def main():
    if not installed():
        ensure_node()
        print("npm ci (services/portal/assets)", flush=True)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                       cwd=ASSETS, check=True)
        STAMP.touch()
    STATIC.mkdir(exist_ok=True)
    css = "\n".join(part.read_text(encoding="utf-8") for part in CSS_PARTS)
    (STATIC / "portal.css").write_text(css, encoding="utf-8")
    shutil.copyfile(HTMX, STATIC / "htmx.min.js")
    return 0


if __name__ == "__main__":
    sys.exit(main())
