"""A follower's browser waits for the lecturer: one long-poll address on the server, one small component in the page.

Before, every follower's page re-ran a fragment every second to ask the room whether the lecturer had moved. Each
such run cost the server about 7–10 ms (py-spy: mostly Streamlit's fixed cost of a fragment run), so 200 idle
followers wanted 1.4–2 CPU-seconds a second from a process that can use one core, and a change waited for the next
tick. Now the waiting happens over plain HTTP, outside any script run:

- the server answers ``GET /lecture-watch?lecture=CODE&follower=ID&after=MARK`` as soon as the room's change mark
  (:func:`core.lecture.room.change_mark`: the lecturer's view version, the question asked, the end) differs from
  ``MARK``, or after ``HOLD_SECONDS`` with the same mark (a long poll). Checking a room is a dictionary lookup under
  the registry's lock, on the server's event loop; no script runs. The request also counts the follower as present.
  The code in the query string is also what nginx routes by (``deploy/serve.sh``), so behind several processes the
  request reaches the process that holds the room.
- :func:`lecture_watcher` mounts a component (``st.components.v2``, no frame, nothing drawn) whose script holds one
  such request open and, when the mark it gets back differs from the one the page was drawn with, sets a trigger
  value: the browser asks for one run, of the step lesson's fragment when the watcher sits there
  (:func:`pages.kit.lecture.follow_step`, for a change of the time step only), else of the whole app, where
  :func:`pages.kit.lecture.follow_lecturer` applies the lecturer's view. One run per follower per change, none while
  nothing changes.

The route is registered by ``app.py`` (``st.App(..., routes=watch_routes())``, Streamlit's public way to add routes).
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import streamlit as st
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from core.lecture import UnknownRoom

WATCH_PATH = "lecture-watch"  # relative in the page, so it resolves under any path the app is served from
# Longest wait for a change. Short, because the server waits for held requests when it stops (uvicorn finishes open
# responses first) and a request the browser gave up on (a page switch) is held to the end; a new request every
# 5 s per follower costs the server about a millisecond.
HOLD_SECONDS = 5.0
CHECK_SECONDS = 0.1  # how often a held request looks at its room: the longest a change waits for the follower
GONE = "gone"  # the mark of a code that is no (longer a) room: the page's run then says so and leaves it
MAX_MARK_LENGTH = 200  # a mark is "version.question_id.state"; anything longer is not one of ours

_WATCH_SCRIPT = r"""
const watchers = new WeakMap();  // one held request per mounted component, kept across the page's re-runs

function startWatching(url) {
  const watcher = { url, mark: null, trigger: null, stopped: false, controller: new AbortController() };
  watcher.stop = () => { watcher.stopped = true; watcher.controller.abort(); };
  (async () => {
    let pause = 0;
    while (!watcher.stopped) {
      if (pause) await new Promise((resolve) => setTimeout(resolve, pause));
      if (watcher.stopped) break;
      const drawn = watcher.mark;
      try {
        const response = await fetch(url + "&after=" + encodeURIComponent(drawn),
                                     { cache: "no-store", signal: watcher.controller.signal });
        if (!response.ok) { pause = 2000; continue; }
        const answer = await response.json();
        pause = 0;
        // A newer mark than the page was drawn with: ask for one run (it draws this component with the new mark).
        if (!watcher.stopped && answer.mark !== watcher.mark) {
          watcher.mark = answer.mark;
          watcher.trigger("changed", answer.mark);
        }
      } catch (error) {
        pause = 2000;  // offline, or the server restarting: try again without hammering it
      }
    }
  })();
  return watcher;
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let watcher = watchers.get(parentElement);
  if (watcher && watcher.url !== data.url) { watcher.stop(); watcher = undefined; }
  if (!watcher) {
    watcher = startWatching(data.url);
    watchers.set(parentElement, watcher);
  }
  watcher.mark = data.mark;  // the mark this run of the page was drawn with
  watcher.trigger = setTriggerValue;
  return () => { watcher.stop(); watchers.delete(parentElement); };
}
"""

_watcher = st.components.v2.component("rnn_explorer.lecture_watch", js=_WATCH_SCRIPT)


def lecture_watcher(code: str, follower_id: str, mark: str) -> None:
    """Mount the follower's watcher: the page re-runs when the room's mark is no longer ``mark``.

    Its trigger re-runs what holds it: the whole app (where the lecturer's view is applied; a fragment's own run
    cannot set the values of widgets outside it), or a step fragment that applies a step change itself and re-runs
    the app for anything else (:func:`pages.kit.lecture.follow_step`)."""
    url = f"{WATCH_PATH}?{urlencode({'lecture': code, 'follower': follower_id})}"
    _watcher(data={"url": url, "mark": mark}, key="lecture.watch", height=0)


async def _watch(request: Request) -> JSONResponse:
    """``GET /lecture-watch``: the room's mark once it differs from ``after``, or after ``HOLD_SECONDS``."""
    from pages.kit.lecture import rooms  # the same registry the pages use (one per process)

    code = request.query_params.get("lecture", "")
    follower = request.query_params.get("follower")
    after = request.query_params.get("after", "")[:MAX_MARK_LENGTH]
    loop = asyncio.get_running_loop()
    until = loop.time() + HOLD_SECONDS
    while True:
        try:
            mark = rooms().mark(code, follower)
        except UnknownRoom:
            mark = GONE
        if mark != after or loop.time() >= until:
            return JSONResponse({"mark": mark}, headers={"Cache-Control": "no-store"})
        await asyncio.sleep(CHECK_SECONDS)


def watch_routes() -> list[BaseRoute]:
    """The routes ``app.py`` adds to Streamlit's server."""
    return [Route(f"/{WATCH_PATH}", _watch, methods=["GET"])]
