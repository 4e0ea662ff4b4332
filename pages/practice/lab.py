"""Live lab: RNN, LSTM and GRU train side by side in a background job; this page only submits, polls and draws."""

import streamlit as st

from core.figures import lab as figures
from core.jobs import FAILED, QUEUED, RUNNING, STOPPED
from core.lab.config import CELLS, INITS, OPTIMIZERS, LabConfig, record_every_for
from core.lab.model import APPLIES_TO
from core.lab.records import LabView, collect
from core.lab.tasks import MAX_SEQ_LEN, MIN_SEQ_LEN, TASKS
from core.lab.training import PROBE_BATCH_SIZE, train_lab
from pages.kit.i18n import texts
from pages.kit.jobs import MAX_RUNNING, job_manager, session_owner
from pages.kit.layout import device_note, how_to_read, page_header

t = texts("lab")
common = texts("common")
words = t["figures"]
DEFAULTS = LabConfig()
HIDDEN_SIZES = (8, 16, 32, 64, 128)
LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
STEP_CHOICES = (100, 200, 300, 500, 800, 1000, 1500, 2000, 3000, 5000)
JOB_KEY = "lab.job"
CONTROLS = {  # session-state key -> default value, so Reset can put every control back
    "lab.task": DEFAULTS.task, "lab.seq_len": DEFAULTS.seq_len, "lab.hidden_size": DEFAULTS.hidden_size,
    "lab.learning_rate": DEFAULTS.learning_rate, "lab.optimizer": DEFAULTS.optimizer, "lab.clip": DEFAULTS.clip,
    "lab.clip_threshold": DEFAULTS.clip_threshold, "lab.init": DEFAULTS.init, "lab.steps": DEFAULTS.steps,
    "lab.cells": list(DEFAULTS.cells), "lab.seed": DEFAULTS.seed,
}
CELL_NAMES = dict(t["cell_names"])
CHART = {"displaylogo": False}


def current_job():
    return job_manager().get(st.session_state.get(JOB_KEY))


def start(config: LabConfig) -> None:
    previous = current_job()
    if previous is not None:  # one lab run per session: a new Start replaces the old one (other pages' jobs stay)
        previous.stop()
        job_manager().forget(previous)
    job = job_manager().submit(train_lab, config, owner=session_owner(), label="lab")
    st.session_state[JOB_KEY] = job.id


def reset() -> None:
    """Stop and forget this session's run and put every control back to its default."""
    job = current_job()
    if job is not None:
        job.stop()
        job_manager().forget(job)
    st.session_state.pop(JOB_KEY, None)
    for key, value in CONTROLS.items():
        st.session_state[key] = value
        st.query_params.pop(key, None)


page_header(t)
st.markdown(t["what_to_see"])
job = current_job()
live = job is not None and not job.finished

with st.container(border=True):
    st.subheader(t["settings"])
    first, second, third, fourth = st.columns(4)
    task = first.selectbox(t["task"], TASKS, format_func=lambda k: t["tasks"][k], help=t["task_help"],
                           key="lab.task", bind="query-params", index=TASKS.index(DEFAULTS.task))
    seq_len = second.slider(t["seq_len"], MIN_SEQ_LEN, MAX_SEQ_LEN, DEFAULTS.seq_len, help=t["seq_len_help"],
                            key="lab.seq_len", bind="query-params")
    hidden_size = third.select_slider(t["hidden_size"], HIDDEN_SIZES, value=DEFAULTS.hidden_size,
                                      key="lab.hidden_size", bind="query-params")
    cells = fourth.pills(t["cells"], CELLS, selection_mode="multi", default=list(DEFAULTS.cells),
                         format_func=CELL_NAMES.get, key="lab.cells", bind="query-params") or []
    first, second, third, fourth = st.columns(4)
    optimizer = first.selectbox(t["optimizer"], OPTIMIZERS, format_func=lambda k: t["optimizers"][k],
                                key="lab.optimizer", bind="query-params")
    learning_rate = second.select_slider(t["learning_rate"], LEARNING_RATES, value=DEFAULTS.learning_rate,
                                         format_func=lambda v: f"{v:g}", key="lab.learning_rate",
                                         bind="query-params")
    clip = third.toggle(t["clip"], value=DEFAULTS.clip, help=t["clip_help"], key="lab.clip", bind="query-params")
    clip_threshold = fourth.number_input(t["clip_threshold"], min_value=0.01, max_value=100.0,
                                         value=DEFAULTS.clip_threshold, step=0.5, disabled=not clip,
                                         key="lab.clip_threshold", bind="query-params")
    first, second, third, _ = st.columns(4)
    init = first.selectbox(t["init"], INITS, format_func=lambda k: t["inits"][k], help=t["init_help"],
                           key="lab.init", bind="query-params")
    steps = second.select_slider(t["steps"], STEP_CHOICES, value=DEFAULTS.steps, key="lab.steps",
                                 bind="query-params")
    seed = int(third.number_input(common["seed"], min_value=0, max_value=99_999, value=DEFAULTS.seed, step=1,
                                  key="lab.seed", bind="query-params"))

    buttons = st.columns([1, 1, 1, 5])
    start_clicked = buttons[0].button(t["start"], type="primary", key="lab.start", disabled=live or not cells)
    stop_clicked = buttons[1].button(t["stop"], key="lab.stop", disabled=not live)
    buttons[2].button(t["reset"], key="lab.reset", on_click=reset)
    if not cells:
        st.warning(t["no_cells"])

if start_clicked:
    try:
        config = LabConfig(task=task, seq_len=seq_len, hidden_size=hidden_size, learning_rate=learning_rate,
                           optimizer=optimizer, clip=clip, clip_threshold=float(clip_threshold), init=init,
                           steps=steps, cells=tuple(c for c in CELLS if c in cells), seed=seed,
                           record_every=record_every_for(steps))
    except ValueError as error:
        st.error(t.format("bad_settings", reason=str(error)))
    else:
        start(config)
        st.rerun()  # redraw with the controls locked and the live panel polling
if stop_clicked and job is not None:
    job.stop()
    st.rerun()


def status_line(job, view: LabView) -> None:
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
    chance = view.start["chance_loss"], view.start["chance_accuracy"]
    left, right = st.columns(2)
    for column, metric, title, axis, reference, log_y in (
        (left, "loss", words["loss_title"], words["loss_axis"], chance[0], True),
        (right, "accuracy", words["accuracy_title"], words["accuracy_axis"], chance[1], False),
    ):
        series = {c: (curve.steps, getattr(curve, metric)) for c, curve in view.curves.items() if curve.steps}
        column.plotly_chart(figures.metric_curves(
            series, title=title, x_title=words["step_axis"], y_title=axis, cell_names=CELL_NAMES,
            reference=reference, reference_label=words["chance"], log_y=log_y), key=f"lab.{metric}", config=CHART)
    how_to_read(t["how"]["curves"])


def gradient_section(view: LabView) -> None:
    latest = {c: (p["step"], p["hidden_grad"]) for c in view.cells if (p := view.latest_probe(c))}
    earlier = {c: (p["step"], p["hidden_grad"]) for c in view.cells if (p := view.first_probe(c))}
    cell_state = {c: (p["step"], p["cell_grad"]) for c in view.cells
                  if (p := view.latest_probe(c)) and p["cell_grad"] is not None}
    st.plotly_chart(figures.gradient_through_time(
        latest, earlier=earlier, cell_state=cell_state, title=words["gradient_title"], x_title=words["time_axis"],
        y_title=words["gradient_axis"], cell_names=CELL_NAMES, step_label=words["step_label"],
        cell_state_label=words["cell_state_label"]), key="lab.gradient", config=CHART)
    how_to_read(t["how"].format("gradient", count=PROBE_BATCH_SIZE))

    left, right = st.columns(2)
    products = {c: (p["step"], p["keep_product"]) for c in view.cells
                if (p := view.latest_probe(c)) and p["keep_product"] is not None}
    if products:
        left.plotly_chart(figures.keep_product(
            products, title=words["keep_title"], x_title=words["time_axis"], y_title=words["keep_axis"],
            names={"lstm": words["keep_lstm"], "gru": words["keep_gru"]}), key="lab.keep", config=CHART)
        with left:
            how_to_read(t["how"]["keep"])
    saturation = {c: p["saturation"] for c in view.cells if (p := view.latest_probe(c))}
    right.plotly_chart(figures.saturation_bars(
        saturation, title=words["saturation_title"], x_title=words["saturation_axis"], low_label=words["low_label"],
        high_label=words["high_label"], cell_names=CELL_NAMES, gate_names=dict(t["gate_names"])),
        key="lab.saturation", config=CHART)
    with right:
        how_to_read(t["how"]["saturation"])


def gates_section(view: LabView) -> None:
    columns = st.columns(len(view.cells))
    for column, cell in zip(columns, view.cells):
        column.markdown(f"**{CELL_NAMES[cell]}**")
        found = view.latest_gates(cell)
        if found is None:
            column.caption(words["no_gates"])
            continue
        step, gates = found
        column.caption(words["gates_caption"].format(step=step))
        for gate, values in gates.items():
            column.plotly_chart(figures.gate_heatmap(
                values, gate, title=t["gate_names"][gate], x_title=words["time_axis"], y_title=words["unit_axis"],
                signed=gate == "hidden"), key=f"lab.gates.{cell}.{gate}", config=CHART)
    how_to_read(t["how"]["gates"])


def norm_section(view: LabView) -> None:
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
            threshold_label=words["threshold_label"]), key=f"lab.norms.{cell}", config=CHART)
        if threshold is not None:
            column.caption(words["clip_share"].format(share=f"{view.clip_share(cell):.0%}"))
    how_to_read(t["how"]["norm"])


@st.fragment(run_every=1.0 if live else None)
def live_panel() -> None:
    """Poll the job and redraw; a full rerun once it ends unlocks the controls and stops the polling."""
    job = current_job()
    if job is None:
        st.info(t["idle"])
        device_note()  # where a run would train: the job process picks the device the same way
        return
    view = collect(job.records)
    status_line(job, view)
    if view.start is not None:
        curves_section(view)
        if any(view.probes.values()):
            gradient_section(view)
            gates_section(view)
        norm_section(view)
    if live and job.finished:
        st.rerun()


live_panel()
