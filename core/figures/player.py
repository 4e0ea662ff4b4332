"""The time player every animated figure shares: Play / Pause buttons and a step slider over ``fig.frames``.

plotly.js runs it in the browser (stepping, scrubbing and playing cost no server round-trip). Every animated builder
in ``core/figures`` takes one :class:`PlayerLabels` and calls :func:`add_time_player` once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from core.escape import plotly_text
from core.figures.plain import PlainFigure


@dataclass(frozen=True)
class PlayerLabels:
    """The words on a time player, in the page's language (pages fill it from ``common.toml``)."""

    play: str  # button that animates through every frame
    pause: str  # button that stops the animation
    step_prefix: str  # written before the current frame's name, e.g. "t = "


def add_time_player(
    fig: go.Figure,
    frame_names: Sequence[str],
    labels: PlayerLabels,
    *,
    start: int = 1,
    tick_labels: Sequence[str] | None = None,
    frame_ms: int = 900,
    from_current: bool = True,
    buttons_y: float = -0.08,
    slider_y: float = -0.04,
) -> go.Figure:
    """Add Play / Pause buttons and a step slider driving ``fig.frames``; returns ``fig``.

    ``fig`` may be a :class:`~core.figures.plain.PlainFigure` (its dict gets the player, before it is drawn).

    Args:
        frame_names: one name per frame, in order (the slider step of frame k animates to ``frame_names[k]``).
        labels: the words on the buttons and before the current frame's name.
        start: the 1-based frame the slider shows before Play is pressed.
        tick_labels: optional words under the slider's ticks (e.g. "2 · cat"), one per frame, already Plotly-safe
            (see :func:`core.escape.plotly_text`); the frames keep their names.
        frame_ms: how long Play shows each frame.
        from_current: Play goes on from the frame shown; False replays from the first frame (a view that opens on
            the last frame).
        buttons_y, slider_y: where the buttons and the slider sit under the plot (paper units; lower clears axis
            titles).
    """
    plain = fig.to_dict() if isinstance(fig, PlainFigure) else None
    frame_count = len(plain.get("frames", ())) if plain is not None else len(fig.frames)
    if frame_count != len(frame_names):
        raise ValueError(f"figure has {frame_count} frames but {len(frame_names)} names")
    if not 1 <= start <= len(frame_names):
        raise ValueError(f"start {start} is outside 1..{len(frame_names)}")
    if tick_labels is not None and len(tick_labels) != len(frame_names):
        raise ValueError(f"the slider has {len(frame_names)} steps but {len(tick_labels)} labels were given")
    still = {"frame": {"duration": 0, "redraw": True}, "mode": "immediate", "transition": {"duration": 0}}
    moving = {
        "frame": {"duration": frame_ms, "redraw": True},
        "fromcurrent": from_current,
        "transition": {"duration": 250, "easing": "cubic-in-out"},
    }
    ticks = list(frame_names) if tick_labels is None else list(tick_labels)
    player = {
        "updatemenus": [{
            "type": "buttons", "direction": "left", "showactive": False, "x": 0.0, "y": buttons_y,
            "xanchor": "left", "yanchor": "top", "pad": {"r": 10, "t": 10},
            "buttons": [
                {"label": labels.play, "method": "animate", "args": [None, moving]},
                {"label": labels.pause, "method": "animate", "args": [[None], still]},
            ],
        }],
        "sliders": [{
            "active": start - 1, "x": 0.22, "y": slider_y, "len": 0.78, "xanchor": "left", "yanchor": "top",
            # the buttons sit over the slider's left end: the current-step readout goes to its right end
            "currentvalue": {"prefix": labels.step_prefix, "visible": True, "xanchor": "right"},
            "pad": {"t": 30},
            "steps": [{"label": tick, "method": "animate", "args": [[name], still]}
                      for name, tick in zip(frame_names, ticks)],
        }],
    }
    if plain is not None:
        layout = plain["layout"]
        layout.update(player)
        if tick_labels is not None:  # as below
            margin = layout.get("margin", {})
            layout["margin"] = {**margin, "r": max(margin.get("r") or 0, 50)}
        return fig
    fig.update_layout(**player)
    if tick_labels is not None:  # room for the last tick's label, centred on the slider's right end
        fig.update_layout(margin={"r": max(fig.layout.margin.r or 0, 50)})
    return fig


def without_player(fig: PlainFigure) -> PlainFigure:
    """``fig`` as it opens (the frame its player starts on), without the frames and the player.

    For a view whose time step is driven by the page (the step lessons: slider, ←/→, the page's Play, a lecture),
    so the figure can never show another step than the formulas beside it: a player inside the figure would move
    the figure alone."""
    drawn = fig.to_dict()
    layout = {name: value for name, value in drawn["layout"].items() if name not in ("updatemenus", "sliders")}
    return PlainFigure(drawn["data"], layout)


def token_ticks(tokens: Sequence[str]) -> list[str]:
    """Slider tick labels "t · token" (1-based) for user tokens, escaped for Plotly here."""
    return [f"{step} · {plotly_text(token)}" for step, token in enumerate(tokens, start=1)]
