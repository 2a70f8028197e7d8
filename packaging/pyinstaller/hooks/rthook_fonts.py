"""Runtime hook: point the bundled fontconfig at the fonts inside the binary (then the system's),
so the PDF summaries look the same on a PC without DejaVu installed."""

import os
import sys
import tempfile
from pathlib import Path

_bundle = Path(getattr(sys, "_MEIPASS", "."))
_conf = Path(tempfile.gettempdir()) / f"ebanista-fonts-{os.getuid()}-{os.getpid()}.conf"
_conf.write_text(
    "<?xml version='1.0'?><!DOCTYPE fontconfig SYSTEM 'fonts.dtd'><fontconfig>"
    f"<dir>{_bundle / 'fonts'}</dir><dir>/usr/share/fonts</dir><dir>/usr/local/share/fonts</dir>"
    f"<cachedir>{Path(tempfile.gettempdir()) / f'ebanista-fontcache-{os.getuid()}'}</cachedir>"
    "<include ignore_missing='yes'>/etc/fonts/conf.d</include></fontconfig>",
    encoding="utf-8",
)
os.environ.setdefault("FONTCONFIG_FILE", str(_conf))
