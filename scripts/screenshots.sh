#!/bin/sh
# Regenerate the screenshots in docs/img/ that docs/screens.md and docs/kiosk.md show:
# runs the page tests (real hub, headless Chromium at the hall's sizes), which write
# test-artifacts/, then copies the chosen ones, scaled to half size, into docs/img/.
#   scripts/screenshots.sh
set -e
cd "$(dirname "$0")/.."
PY="${PYTHON:-python}"
PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" "$PY" -m pytest -q -p no:cacheprovider \
  tests/e2e/pages/test_hall_display.py tests/e2e/pages/test_counter_screen.py tests/e2e/kiosk/test_kiosk_search.py
PYTHONPATH="$PWD" "$PY" - <<'PYEOF'
from pathlib import Path
from PIL import Image

SHOTS = {
    "display/hall-empty-en-US.png": "display-empty.png",
    "display/hall-recall-en-US.png": "display-recall.png",
    "display/hall-no-window-zh-CN.png": "display-no-window.png",
    "display/phone-transferred.png": "phone-transferred.png",
    "display/phone-accepted.png": "phone-accepted.png",
    "display/manager-public-url-warning.png": "manager-public-url-warning.png",
    "counter/3-refused.png": "counter-refused.png",
    "counter/4-serving.png": "counter-serving.png",
    "counter/5-transfer-pinyin.png": "counter-transfer.png",
    "kiosk/home-zh-1080x1920.png": "kiosk-home-portrait.png",
    "kiosk/home-en-1920x1080.png": "kiosk-home-landscape-en.png",
    "kiosk/search-keyword.png": "kiosk-search.png",
    "kiosk/en-1920x1080-ticket.png": "kiosk-ticket-landscape-en.png",
    "kiosk/en-1080x1920-home.png": "kiosk-header-portrait-en.png",
}
out = Path("docs/img")
out.mkdir(exist_ok=True)
for source, name in SHOTS.items():
    image = Image.open(Path("test-artifacts") / source)
    small = image.resize((image.width // 2, image.height // 2), Image.LANCZOS).convert("RGB")
    small.save(out / name, optimize=True)
    print("docs/img/" + name)
PYEOF
