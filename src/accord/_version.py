"""The installed version of accord (read from the package metadata once, on first use)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("accord")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.1.0"
