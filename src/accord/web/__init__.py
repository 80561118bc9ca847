"""The local web dashboard: a FastAPI app serving a JSON API and a static page."""

from .app import create_app

__all__ = ["create_app"]
