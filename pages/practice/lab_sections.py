"""The lab's live panel sections: the run's status, loss and accuracy curves, gradients through time, gates, norms.

Each section draws what a :class:`core.lab.records.LabView` holds; the numbers come from the job's records.
"""

from __future__ import annotations

import streamlit as st

from core.figures import lab as figures
from core.jobs import FAILED, QUEUED, RUNNING, STOPPED
from core.lab.model import APPLIES_TO
from core.lab.records import LabView
from core.lab.training import PROBE_BATCH_SIZE
from pages.kit.i18n import texts
from pages.kit.jobs import MAX_RUNNING
from pages.kit.layout import how_to_read
from pages.kit.chart import CHART_CONFIG, cached_figures



def _texts():
    """(page texts, figure words, cell names) in this session's language: looked up per run, never at import."""
    t = texts("lab")
    return t, t["figures"], dict(t["cell_names"])


def status_line(job, view: LabView) -> None:
    t, words, CELL_NAMES = _texts()
    config = job.config
    device = view.start["device_name"] if view.start else "…"
    step = view.steps_done
    if job.status == QUEUED:
        st.info(t["status"].format("queued", position=job.queue_position(), max_running=MAX_RUNNING))
    elif job.status == RUNNING and view.start is None:
        st.info(t["status"]["starting"])
    elif job.status == RUNNING:
        st.info(t["status"].format("running", device=device, step=step, steps=config.steps))
    elif job.status == FAILED:
        st.error(t["status"]["failed"])
        with st.expander(t["failed_details"]):
            st.code(job.error or "")
    elif job.status == STOPPED:
        st.warning(t["status"].format("stopped", device=device, step=step, steps=config.steps))
    else:
        st.success(t["status"].format("done", device=device, steps=config.steps))
    st.progress(min(1.0, step / config.steps), text=t.format("progress", step=step, steps=config.steps))
    clipping = t.format("clip_on", threshold=config.clip_threshold) if config.clip else t["clip_off"]
    st.caption(t.format("run_settings", task=t["tasks"][config.task], seq_len=config.seq_len,
                        hidden_size=config.hidden_size, optimizer=t["optimizers"][config.optimizer],
                        learning_rate=f"{config.learning_rate:g}", clip=clipping, init=t["inits"][config.init],
                        seed=config.seed, steps=config.steps, batch_size=config.batch_size))
    untouched = [CELL_NAMES[c] for c in config.cells if c not in APPLIES_TO[config.init]]
    if untouched:
        st.caption(t.format("init_note", cells=", ".join(untouched), init=t["inits"][config.init]))
    st.caption(t["reproducible"])


def curves_section(view: LabView) -> None:
    t, words, CELL_NAMES = _texts()
    chance = view.start["chance_loss"], view.start["chance_accuracy"]
    left, right = st.columns(2)
    for column, metric, title, axis, reference, log_y in (
        (left, "loss", words["loss_title"], words["loss_axis"], chance[0], True),
        (right, "accuracy", words["accuracy_title"], words["accuracy_axis"], chance[1], False),
    ):
        series = {c: (curve.steps, getattr(curve, metric)) for c, curve in view.curves.items() if curve.steps}
        column.plotly_chart(figures.metric_curves(
            series, title=title, x_title=words["step_axis"], y_title=axis, cell_names=CELL_NAMES,
            reference=reference, reference_label=words["chance"], log_y=log_y), key=f"lab.{metric}", config=CHART_CONFIG)
    how_to_read(t["how"]["curves"])


def probe_steps(view: LabView) -> tuple:
    """What the probe figures depend on: per cell, the steps of its first and latest probe and of its newest gates."""
    return tuple((cell, (view.first_probe(cell) or {}).get("step"), (view.latest_probe(cell) or {}).get("step"),
                  (view.latest_gates(cell) or (None,))[0]) for cell in view.cells)


@cached_figures(max_entries=32)
def probe_figures(job_id: str, steps: tuple, lang: str, _view: LabView) -> dict:
    """Every figure drawn from the probes (gradients through time, keep product, saturation, gate heat maps), built
    once per new probe and reused by every poll until the next one (with the default settings probes come about as
    often as the panel polls while a run trains, so the reuse pays mostly between probes and after the run ends; the
    builders themselves are cheap, core/figures/plain.py). ``steps`` (:func:`probe_steps`), the job and the language
    make the key; ``_view`` holds the data."""
    view = _view
    t, words, CELL_NAMES = _texts()
    built: dict = {}
    latest = {c: (p["step"], p["hidden_grad"]) for c in view.cells if (p := view.latest_probe(c))}
    earlier = {c: (p["step"], p["hidden_grad"]) for c in view.cells if (p := view.first_probe(c))}
    cell_state = {c: (p["step"], p["cell_grad"]) for c in view.cells
                  if (p := view.latest_probe(c)) and p["cell_grad"] is not None}
    built["gradient"] = figures.gradient_through_time(
        latest, earlier=earlier, cell_state=cell_state, title=words["gradient_title"], x_title=words["time_axis"],
        y_title=words["gradient_axis"], cell_names=CELL_NAMES, step_label=words["step_label"],
        cell_state_label=words["cell_state_label"])
    products = {c: (p["step"], p["keep_product"]) for c in view.cells
                if (p := view.latest_probe(c)) and p["keep_product"] is not None}
    built["keep"] = figures.keep_product(
        products, title=words["keep_title"], x_title=words["time_axis"], y_title=words["keep_axis"],
        names={"lstm": words["keep_lstm"], "gru": words["keep_gru"]}) if products else None
    saturation = {c: p["saturation"] for c in view.cells if (p := view.latest_probe(c))}
    built["saturation"] = figures.saturation_bars(
        saturation, title=words["saturation_title"], x_title=words["saturation_axis"], low_label=words["low_label"],
        high_label=words["high_label"], cell_names=CELL_NAMES, gate_names=dict(t["gate_names"]))
    for cell in view.cells:
        found = view.latest_gates(cell)
        for gate, values in (found[1] if found else {}).items():
            built[f"gates.{cell}.{gate}"] = figures.gate_heatmap(
                values, gate, title=t["gate_names"][gate], x_title=words["time_axis"], y_title=words["unit_axis"],
                signed=gate == "hidden")
    return built


def gradient_section(built: dict) -> None:
    t, words, CELL_NAMES = _texts()
    st.plotly_chart(built["gradient"], key="lab.gradient", config=CHART_CONFIG)
    how_to_read(t["how"].format("gradient", count=PROBE_BATCH_SIZE))

    left, right = st.columns(2)
    if built["keep"] is not None:
        left.plotly_chart(built["keep"], key="lab.keep", config=CHART_CONFIG)
        with left:
            how_to_read(t["how"]["keep"])
    right.plotly_chart(built["saturation"], key="lab.saturation", config=CHART_CONFIG)
    with right:
        how_to_read(t["how"]["saturation"])


def gates_section(view: LabView, built: dict) -> None:
    t, words, CELL_NAMES = _texts()
    columns = st.columns(len(view.cells))
    for column, cell in zip(columns, view.cells):
        column.markdown(f"**{CELL_NAMES[cell]}**")
        found = view.latest_gates(cell)
        if found is None:
            column.caption(words["no_gates"])
            continue
        step, gates = found
        column.caption(words["gates_caption"].format(step=step))
        for gate in gates:
            column.plotly_chart(built[f"gates.{cell}.{gate}"], key=f"lab.gates.{cell}.{gate}", config=CHART_CONFIG)
    how_to_read(t["how"]["gates"])


def norm_section(view: LabView) -> None:
    t, words, CELL_NAMES = _texts()
    config = view.start["config"]
    threshold = config["clip_threshold"] if config["clip"] else None
    st.markdown(f"**{words['norm_title']}**")
    columns = st.columns(len(view.cells))
    for column, cell in zip(columns, view.cells):
        curve = view.curves[cell]
        if not curve.steps:
            continue
        column.plotly_chart(figures.gradient_norms(
            {cell: (curve.steps, curve.grad_norm, curve.grad_norm_clipped)}, title=CELL_NAMES[cell],
            x_title=words["step_axis"], y_title=words["norm_axis"], cell_names=CELL_NAMES,
            before_label=words["before_label"], after_label=words["after_label"], threshold=threshold,
            threshold_label=words["threshold_label"]), key=f"lab.norms.{cell}", config=CHART_CONFIG)
        if threshold is not None:
            column.caption(words["clip_share"].format(share=f"{view.clip_share(cell):.0%}"))
    how_to_read(t["how"]["norm"])
