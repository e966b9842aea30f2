"""``docker run -p 8080:8080 IMAGE lltk serve /data --host 0.0.0.0``, checked inside the image.

docker/verify-rootfs.sh runs it with the image's python after make_landscape.py has put a
landscape in /data: the server must start on all interfaces, answer with the page, list
and serve that landscape, refuse a path out of /data, and leave /data as it was.
Usage: python docker/check_serve.py DIR
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from pathlib import Path

from lltk.web.browser import free_port, start_server, stop_server

folder = Path(sys.argv[1])
before = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir())
landscape = next(folder.glob("*.vti"))
proc, url = start_server(folder, free_port(), ("--host", "0.0.0.0"))
try:
    with urllib.request.urlopen(url, timeout=10) as page:
        assert page.status == 200 and b"<html" in page.read().lower(), "no page at /"
    with urllib.request.urlopen(f"{url}files/{landscape.name}", timeout=10) as data:
        assert data.read() == landscape.read_bytes(), "the landscape was not served"
    try:
        urllib.request.urlopen(f"{url}files/%2e%2e/etc/passwd", timeout=10)
        raise AssertionError("a path out of the folder was served")
    except urllib.error.HTTPError as exc:
        assert exc.code == 404, exc.code
finally:
    log = stop_server(proc)
after = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir())
assert after == before, "lltk serve wrote into the folder it serves"
print(f"lltk serve answered at {url} (all interfaces) and served {landscape.name}; {log.strip()}")
