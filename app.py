"""RNN Explorer: entry point. Page config, the language switch, and navigation over the page scripts in pages/."""

from pages.kit.shell import run_app

run_app()
