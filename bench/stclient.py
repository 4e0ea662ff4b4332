"""A minimal Streamlit client: one browser tab over Streamlit's own websocket protocol, without a browser.

What a browser tab does, as far as the server can tell:

0. loads the page's address (``GET /PAGE?QUERY``) and keeps the cookies it sets (a proxy's affinity cookie: behind
   ``deploy/serve.sh`` a lecture link sets the cookie of the replica that holds the room);
1. opens ``ws://HOST/_stcore/stream`` with those cookies (subprotocol ``streamlit``);
2. sends ``BackMsg.rerun_script`` with a ``ClientState`` {query_string, page_name, widget_states, page_script_hash};
3. reads ``ForwardMsg``s: ``navigation`` (the script hash of the page that ran), ``delta``s (elements; widgets carry their id,
   ``$$ID-<hash>-<user key>``; an ``exception`` element is an error shown to the user), ``page_not_found``,
   ``auto_rerun`` (a fragment with ``run_every``: the browser re-runs it on that interval) and finally
   ``script_finished``;
4. on every interaction sends ``rerun_script`` again with the states of every widget it has set;
5. in a lecture, a follower's page draws a watcher component (``bidi_component``, data ``{url, mark}``): the tab holds
   a long poll of ``url`` open and, when it answers a mark other than the one drawn, asks for one full run, as the
   component's script does in a browser (``pages/kit/lecture_watch.py``).

Used by ``bench/bench_load.py`` (N of these in one asyncio loop), ``deploy/serve.sh`` (warming a fresh replica) and
``tests/deploy/test_proxy.py``. Loopback and explicit URLs only; nothing here runs a page or touches server state
other than through the socket.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

# script_finished status values (ForwardMsg.ScriptFinishedStatus)
FINISHED_SUCCESSFULLY = ForwardMsg.FINISHED_SUCCESSFULLY
FINISHED_WITH_COMPILE_ERROR = ForwardMsg.FINISHED_WITH_COMPILE_ERROR
FINISHED_EARLY_FOR_RERUN = ForwardMsg.FINISHED_EARLY_FOR_RERUN
FINISHED_FRAGMENT_RUN_SUCCESSFULLY = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
SUCCESS = (FINISHED_SUCCESSFULLY, FINISHED_FRAGMENT_RUN_SUCCESSFULLY)  # a whole page run, or one fragment's


@dataclass(frozen=True)
class Widget:
    """A widget the server drew: its id (what widget states are keyed by) and its element type."""

    id: str
    kind: str  # "slider", "text_input", "number_input", "button", ...
    disabled: bool = False
    maximum: float | None = None  # a slider's or number input's upper bound
    fragment_id: str = ""  # set when the widget was drawn inside an st.fragment: changing it re-runs only that


@dataclass(frozen=True)
class RunResult:
    """One script run as the client saw it."""

    seconds: float            # from sending rerun_script to script_finished
    status: int               # ForwardMsg.ScriptFinishedStatus
    exceptions: tuple[str, ...]  # messages of exception elements drawn during the run
    page_not_found: bool
    texts: tuple[str, ...] = ()  # markdown, text, alert and heading bodies drawn during the run (for tests)
    # where the seconds went: from sending rerun_script to the server's first message of the run (it started the
    # run) and to the run's first element (its script got past the page's first lines); None if none came
    first_message: float | None = None
    first_element: float | None = None


class ScriptTimeout(Exception):
    """No script_finished within the time limit."""


@dataclass
class _Run:
    started: float
    done: asyncio.Future
    exceptions: list[str] = field(default_factory=list)
    page_not_found: bool = False
    texts: list[str] = field(default_factory=list)
    fragment_id: str = ""  # a fragment run the user asked for (a widget inside a fragment changed)
    first_message: float | None = None  # perf_counter() when the run's first message came (after sending)
    first_element: float | None = None  # and when its first element came


def stream_url(base_url: str) -> str:
    """``http://h:p/prefix`` → ``ws://h:p/prefix/_stcore/stream``."""
    parts = urlsplit(base_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"


def _widget_state(widget: Widget, value) -> WidgetState:
    state = WidgetState(id=widget.id)
    if widget.kind == "button":
        state.trigger_value = bool(value)
    elif widget.kind in ("slider", "select_slider"):
        # a slider's value travels as a list of doubles; a select_slider's as indices into its options
        values = value if isinstance(value, (list, tuple)) else [value]
        if widget.kind == "slider":
            state.double_array_value.data.extend(float(v) for v in values)
        else:
            state.int_array_value.data.extend(int(v) for v in values)
    elif widget.kind == "number_input":
        state.double_value = float(value)
    elif widget.kind in ("checkbox", "toggle"):
        state.bool_value = bool(value)
    elif isinstance(value, str):
        state.string_value = value
    else:
        raise ValueError(f"cannot set a {widget.kind} widget from {value!r}")
    return state


class StreamlitSession:
    """One simulated browser tab.

    Args:
        base_url: ``http://127.0.0.1:8501`` (a proxy's address works the same).
        page: the URL path of the page (``"rnn_step"``; ``""`` for the default page).
        query_string: the URL's query string without ``?``.
        follow_auto_reruns: re-run fragments that ask for it (``run_every``), as a browser would.
    """

    def __init__(self, base_url: str, page: str = "", query_string: str = "", follow_auto_reruns: bool = True):
        self.base_url = base_url
        self.page = page.strip("/")
        self.query_string = query_string
        self.follow_auto_reruns = follow_auto_reruns
        self.widgets: dict[str, Widget] = {}  # user key -> widget
        self.page_script_hash = ""
        self.fragment_runs = 0
        self.fragment_exceptions: list[str] = []
        # slider values the server set from its side (session state: a follower's apply), with when they arrived,
        # from any run, the user's or one the server started itself (st.rerun from a timer's fragment)
        self.server_set: dict[str, tuple[tuple[float, ...], float]] = {}
        self._states: dict[str, WidgetState] = {}  # widget id -> the value this tab holds
        self._socket = None
        self._reader: asyncio.Task | None = None
        self._run: _Run | None = None
        self._auto: dict[str, asyncio.Task] = {}  # fragment id -> its re-run loop
        self._watch: dict[str, str] = {}  # the lecture watcher's data as last drawn: url, mark
        self._watcher: asyncio.Task | None = None
        self.watch_reruns = 0  # runs the lecture watcher asked for
        self.closed = False

    # ----- connection -------------------------------------------------------------------------------------------
    def _page_cookies(self, timeout: float) -> str:
        """The cookies the page's address sets, as a browser would send them back (``a=1; b=2``)."""
        address = f"{self.base_url.rstrip('/')}/{self.page}" + (f"?{self.query_string}" if self.query_string else "")
        with urllib.request.urlopen(address, timeout=timeout) as response:
            return "; ".join(value.split(";")[0] for value in response.headers.get_all("Set-Cookie") or [])

    async def connect(self, timeout: float = 30.0) -> None:
        cookies = await asyncio.wait_for(asyncio.to_thread(self._page_cookies, timeout), timeout)
        self._socket = await asyncio.wait_for(
            websockets.connect(stream_url(self.base_url), subprotocols=["streamlit"], max_size=None,
                               open_timeout=timeout, ping_interval=None, compression=None,
                               additional_headers={"Cookie": cookies} if cookies else None),
            timeout)
        self._reader = asyncio.create_task(self._read_forever())

    async def close(self) -> None:
        self.closed = True
        for task in list(self._auto.values()) + ([self._watcher] if self._watcher else []):
            task.cancel()
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):
                pass

    # ----- runs -------------------------------------------------------------------------------------------------
    async def rerun(self, changes: dict[str, object] | None = None, query_string: str | None = None,
                    timeout: float = 60.0) -> RunResult:
        """Set widgets by user key (``{"rnn_step.step": 3}``), send one rerun and wait for script_finished.

        A button is pressed by ``{"lab.start": True}``: its trigger goes with this run only. As in the browser, when
        every changed widget lives in one fragment only that fragment re-runs (``RunResult`` then times it).
        """
        triggers = []
        fragments = {self.widgets[key].fragment_id if key in self.widgets else "" for key in (changes or {})}
        for key, value in (changes or {}).items():
            widget = self.widgets.get(key)
            if widget is None:
                raise KeyError(f"no widget with key {key!r} on /{self.page} (known: {sorted(self.widgets)})")
            state = _widget_state(widget, value)
            if widget.kind == "button":
                triggers.append(state)
            else:
                self._states[widget.id] = state
        if query_string is not None:
            self.query_string = query_string
        fragment_id = fragments.pop() if len(fragments) == 1 else ""
        return await self._send_rerun(list(self._states.values()) + triggers, timeout=timeout,
                                      fragment_id=fragment_id, auto=False)

    async def _send_rerun(self, states: list[WidgetState], timeout: float, fragment_id: str = "",
                          auto: bool = False, timer: bool = True) -> RunResult:
        if not auto and self._run is not None and not self._run.done.done():
            self._run.done.cancel()  # a browser does the same: a new interaction supersedes the pending run
            # (a timer's fragment run does not: the user's run stays the one awaited)
        message = BackMsg()
        client_state = message.rerun_script
        client_state.query_string = self.query_string
        client_state.page_name = self.page
        client_state.page_script_hash = self.page_script_hash
        client_state.widget_states.widgets.extend(states)
        if fragment_id:
            client_state.fragment_id = fragment_id
            client_state.is_auto_rerun = auto and timer
        client_state.context_info.timezone = "UTC"
        client_state.context_info.locale = "en-US"
        loop = asyncio.get_running_loop()
        run = _Run(started=time.perf_counter(), done=loop.create_future(), fragment_id=fragment_id)
        if not auto:
            self._run = run
        await self._socket.send(message.SerializeToString())
        if auto:  # the browser does not wait for its timer's fragment runs either
            return RunResult(0.0, FINISHED_FRAGMENT_RUN_SUCCESSFULLY, (), False)
        try:
            status = await asyncio.wait_for(asyncio.shield(run.done), timeout)
        except asyncio.TimeoutError as error:
            run.done.cancel()
            raise ScriptTimeout(f"/{self.page}: no script_finished in {timeout:.0f} s") from error
        since = (lambda moment: None if moment is None else moment - run.started)
        return RunResult(time.perf_counter() - run.started, status, tuple(run.exceptions), run.page_not_found,
                         tuple(run.texts), since(run.first_message), since(run.first_element))

    # ----- the reader -------------------------------------------------------------------------------------------
    async def _read_forever(self) -> None:
        try:
            async for data in self._socket:
                message = ForwardMsg()
                message.ParseFromString(data)
                self._handle(message)
        except (websockets.ConnectionClosed, asyncio.CancelledError):
            pass
        finally:
            if self._run is not None and not self._run.done.done():
                if self.closed:  # we hung up ourselves: nobody waits for that run any more
                    self._run.done.cancel()
                else:
                    self._run.done.set_exception(ConnectionError(f"/{self.page}: connection closed by the server"))

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        run = self._run
        if run is not None and run.first_message is None and not run.done.done():
            run.first_message = time.perf_counter()
        if kind == "navigation":  # st.navigation names the page that actually ran (the browser keeps it)
            self.page_script_hash = message.navigation.page_script_hash
        elif kind == "page_info_changed":  # st.query_params written by the app: the browser's address follows
            self.query_string = message.page_info_changed.query_string
        elif kind == "delta":
            self._read_delta(message, run)
        elif kind == "page_not_found":
            if run is not None:
                run.page_not_found = True
        elif kind == "auto_rerun" and self.follow_auto_reruns:
            fragment_id = message.auto_rerun.fragment_id
            if fragment_id not in self._auto:
                self._auto[fragment_id] = asyncio.create_task(
                    self._auto_rerun_forever(fragment_id, message.auto_rerun.interval))
        elif kind == "stop_auto_rerun":
            for task in self._auto.values():
                task.cancel()
            self._auto.clear()
        elif kind == "script_finished":
            status = message.script_finished
            pending = run is not None and not run.done.done()
            if status == FINISHED_FRAGMENT_RUN_SUCCESSFULLY and not (pending and run.fragment_id):
                self.fragment_runs += 1  # a timer's fragment run (st.fragment(run_every=...))
            elif pending and status != FINISHED_EARLY_FOR_RERUN:
                run.done.set_result(status)

    def _read_delta(self, message: ForwardMsg, run: _Run | None) -> None:
        delta = message.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        element_type = element.WhichOneof("type")
        # the pending run's element: any during a full run, only its fragment's during a fragment run (a timer's
        # fragment runs after the user's run has finished are not)
        ours = run is not None and not run.done.done() and (not run.fragment_id or delta.fragment_id == run.fragment_id)
        if ours and run.first_element is None:
            run.first_element = time.perf_counter()
        if element_type == "exception":
            text = f"{element.exception.type}: {element.exception.message}"
            if not ours:
                self.fragment_exceptions.append(text)
            else:
                run.exceptions.append(text)
            return
        payload = getattr(element, element_type, None)
        if element_type == "bidi_component" and payload.json:
            self._watch_drawn(json.loads(payload.json), delta.fragment_id)
            return
        if element_type in ("markdown", "text", "alert", "heading") and ours:
            run.texts.append(payload.body)
        widget_id = getattr(payload, "id", "") if payload is not None else ""
        if isinstance(widget_id, str) and widget_id.startswith("$$ID-"):
            user_key = widget_id.split("-", maxsplit=2)[-1]
            if user_key != "None":
                maximum = getattr(payload, "max", None) if element_type in ("slider", "number_input") else None
                self.widgets[user_key] = Widget(widget_id, element_type, bool(getattr(payload, "disabled", False)),
                                                maximum, delta.fragment_id)
                if element_type == "slider" and payload.set_value:
                    self.server_set[user_key] = (tuple(payload.value), time.perf_counter())

    # ----- a lecture follower's watcher (pages/kit/lecture_watch.py) -----------------------------------------------
    def _watch_drawn(self, data: dict, fragment_id: str) -> None:
        """The page drew the lecture watcher with ``{"url": …, "mark": …}`` (in the fragment ``fragment_id``, or
        "" outside any): do what its script does in a browser."""
        if not isinstance(data, dict) or "url" not in data or "mark" not in data:
            return
        self._watch = {"url": str(data["url"]), "mark": str(data["mark"]), "fragment": fragment_id}
        if self.follow_auto_reruns and self._watcher is None:
            self._watcher = asyncio.create_task(self._watch_forever())

    async def _watch_forever(self) -> None:
        """Hold one long poll of the room open; when the mark it returns differs from the one the page was drawn
        with, ask for one run, as the component's ``setTriggerValue`` does: of the fragment that holds the watcher
        (a step lesson's), else of the whole app. (The trigger value itself changes nothing on the server's side:
        the run reads the room.)"""
        try:
            while not self.closed:
                drawn = self._watch["mark"]
                try:
                    answer = await _get_json(f"{self.base_url.rstrip('/')}/{self._watch['url']}"
                                             f"&{urllib.parse.urlencode({'after': drawn})}", timeout=60.0)
                except (OSError, ValueError, asyncio.TimeoutError):
                    await asyncio.sleep(2.0)
                    continue
                if not self.closed and answer.get("mark") != self._watch["mark"]:
                    self._watch["mark"] = str(answer.get("mark"))
                    self.watch_reruns += 1
                    await self._send_rerun(list(self._states.values()), timeout=0, auto=True, timer=False,
                                           fragment_id=self._watch["fragment"])
        except (asyncio.CancelledError, websockets.ConnectionClosed):
            pass

    async def _auto_rerun_forever(self, fragment_id: str, interval: float) -> None:
        """What the browser does for ``st.fragment(run_every=…)``: re-run that fragment on its interval."""
        try:
            while not self.closed:
                await asyncio.sleep(max(0.1, interval))
                await self._send_rerun(list(self._states.values()), timeout=0, fragment_id=fragment_id, auto=True)
        except (asyncio.CancelledError, websockets.ConnectionClosed):
            pass


async def _get_json(url: str, timeout: float) -> dict:
    """One HTTP/1.1 GET on its own connection, body parsed as JSON (no thread: hundreds of tabs wait at once)."""
    parts = urllib.parse.urlsplit(url)
    reader, writer = await asyncio.wait_for(asyncio.open_connection(parts.hostname, parts.port or 80), timeout)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        writer.write(f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        response = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    head, _, body = response.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise ValueError(head.split(b"\r\n", 1)[0].decode(errors="replace"))
    if b"transfer-encoding: chunked" in head.lower():
        body = _unchunk(body)
    return json.loads(body)


def _unchunk(body: bytes) -> bytes:
    data = b""
    while body:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        data, body = data + body[:size], body[size + 2:]
    return data


async def open_page(base_url: str, page: str = "", query_string: str = "", timeout: float = 60.0,
                    follow_auto_reruns: bool = True) -> tuple[StreamlitSession, RunResult]:
    """Connect and run the page once, as opening its link in a new tab does."""
    session = StreamlitSession(base_url, page, query_string, follow_auto_reruns=follow_auto_reruns)
    await session.connect(timeout=timeout)
    try:
        result = await session.rerun(timeout=timeout)
    except BaseException:
        await session.close()
        raise
    return session, result


async def warm(base_url: str, timeout: float = 120.0) -> RunResult:
    """Open the default page once and close: a fresh server then knows its pages for the first direct link."""
    session, result = await open_page(base_url, "", timeout=timeout)
    await session.close()
    return result


if __name__ == "__main__":  # python bench/stclient.py URL [page]  — warms a server (deploy/serve.sh uses this)
    import sys

    target, page_name = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "")

    async def visit() -> RunResult:
        session, result = await open_page(target, page_name)
        await session.close()
        return result

    outcome = asyncio.run(visit())
    print(f"{target}/{page_name}: {outcome.seconds:.2f} s, status {outcome.status}, "
          f"exceptions {len(outcome.exceptions)}, page_not_found {outcome.page_not_found}")
    sys.exit(1 if outcome.exceptions or outcome.page_not_found else 0)
