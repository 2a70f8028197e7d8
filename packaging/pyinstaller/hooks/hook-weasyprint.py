"""WeasyPrint for the single binary: its data files and the native libraries it opens with cffi.

PyInstaller's contributed hook finds the libraries with ctypes.util.find_library, which raises
(FileNotFoundError for 'liblibfontconfig.a') on Python 3.11 when gcc is installed; the hook then
bundles nothing and the binary only works where Pango happens to be installed. This hook finds
them in the dynamic linker's cache instead; PyInstaller follows each library's own dependencies
(freetype, fribidi, libpng...) from there.
"""

from __future__ import annotations

import subprocess

from PyInstaller.utils.hooks import collect_data_files, logger

SONAMES = (
    "libgobject-2.0.so.0",
    "libglib-2.0.so.0",
    "libpango-1.0.so.0",
    "libpangoft2-1.0.so.0",
    "libharfbuzz.so.0",
    "libharfbuzz-subset.so.0",
    "libfontconfig.so.1",
)


def _linker_cache() -> dict[str, str]:
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout  # noqa: S607
    found: dict[str, str] = {}
    for line in out.splitlines()[1:]:
        name, _, path = line.strip().partition(" => ")
        soname = name.split(" ", 1)[0]
        if "x86-64" in name or "x86_64" in path or soname not in found:
            found.setdefault(soname, path)
    return found


datas = collect_data_files("weasyprint")
_cache = _linker_cache()
_missing = [name for name in SONAMES if name not in _cache]
if _missing:
    raise SystemExit(f"hook-weasyprint: missing {_missing}: apt install libpango-1.0-0 libpangoft2-1.0-0")
binaries = [(_cache[name], ".") for name in SONAMES]
logger.info("hook-weasyprint: bundling %s", ", ".join(path for path, _ in binaries))
