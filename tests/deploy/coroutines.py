"""Helpers the deploy tests share."""

from __future__ import annotations

import asyncio
import concurrent.futures


def run_coroutine(coroutine):
    """``asyncio.run`` on a thread of its own: in the whole suite the browser tests' Playwright (sync API) keeps an
    event loop running on the main thread, where ``asyncio.run`` refuses to start another."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
