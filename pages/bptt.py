"""Entry for a direct link to this URL path on a fresh server; the app's shell picks and runs the page (see pages/kit/shell.py)."""
from pages.kit.shell import run_app

run_app()
