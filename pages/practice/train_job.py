"""Sections 2 and 3 of the training page: the settings form, and the background training job it starts.

Training runs in the shared ``JobManager`` (a spawned process), never in this script: a rerun would kill it. The
job id lives in ``st.session_state["train.job"]``, so a rerun or a visit to another page finds the job again. A
fragment polls the job's records every second while it runs; when it ends, the model is copied into the session
(``train.model``), where a later bad upload or a failed run cannot reach it.
"""

from __future__ import annotations

import math

import streamlit as st

from core.classifier.bundle import error_from_record
from core.classifier.results import TrainedModel
from core.classifier.training import TrainingConfig, TrainingRequest, run_training_job, suggest_epochs
from core.device import describe_device, select_device
from core.figures.train import CurveLabels, training_curves_figure
from core.jobs import DONE, FAILED, STOPPED
from core.textdata.split import held_out
from pages.kit.i18n import Texts
from pages.kit.jobs import job_manager, session_job, submit_job
from pages.practice.train_data import PreparedData, error_text, size_problem
from pages.kit.chart import CHART_CONFIG

JOB_KEY = "train.job"
MODEL_KEY = "train.model"
HARVESTED_KEY = "train.harvested"
POLL_SECONDS = 1.0
DEFAULTS = TrainingConfig()
CELLS = ("lstm", "gru", "rnn")
POOLINGS = ("max_mean", "max", "mean", "last")


def current_job():
    """This session's latest job, if the manager still knows it."""
    return session_job(JOB_KEY)


def harvest(job) -> None:
    """Copy a finished job's model into the session once; a run that produced no epoch keeps the old model."""
    if job is None or not job.finished or st.session_state.get(HARVESTED_KEY) == job.id:
        return
    st.session_state[HARVESTED_KEY] = job.id
    result = job.result
    # best_epoch 0: no epoch finished with usable weights (stopped at once, or the loss blew up in epoch 1)
    if job.status not in (DONE, STOPPED) or result is None or not result.metrics.best_epoch:
        return
    st.session_state[MODEL_KEY] = TrainedModel.from_result(job.id, result)
    st.session_state["train.model_choice"] = "trained"  # section 5 switches to the new model


def _reset_column_settings(data: PreparedData) -> None:
    """A new file or column choice brings a new suggested max length (the user may still change it)."""
    if st.session_state.get("train.settings_for") != data.key:
        st.session_state["train.settings_for"] = data.key
        st.session_state["train.max_length"] = data.suggested_max_length


def train_size(data: PreparedData, validation_fraction: float) -> int:
    """Texts the model will train on: the whole file beside a validation file, else what the split leaves."""
    if data.validation is not None:
        return len(data.dataset)
    counts = data.profile.class_counts
    return sum(counts) - sum(held_out(count, validation_fraction) for count in counts)


def _suggest_epochs(data: PreparedData | None) -> tuple[int, int, int]:
    """(epochs, patience, steps per epoch) suited to this data and the batch size and split last submitted.

    The form's epochs and patience are pre-filled with them whenever they change, unless the user typed their
    own. A suggestion left untouched is sent as "automatic" (None): the trainer recomputes it from the batch
    size and validation share actually submitted, which a form cannot show before Start.
    """
    previous = st.session_state.get("train.suggested")
    if data is None:  # unusable data: leave the form as it was (Start is disabled anyway)
        epochs, patience = previous or (DEFAULTS.epochs, DEFAULTS.patience)
        st.session_state.setdefault("train.epochs", epochs)
        st.session_state.setdefault("train.patience", patience)
        return epochs, patience, 0
    batch_size = int(st.session_state.get("train.batch_size", DEFAULTS.batch_size))
    fraction = float(st.session_state.get("train.validation_fraction", DEFAULTS.validation_fraction))
    size = train_size(data, fraction)
    epochs, patience = suggest_epochs(size, batch_size)
    for key, value, index in (("train.epochs", epochs, 0), ("train.patience", patience, 1)):
        if key not in st.session_state or (previous is not None and st.session_state[key] == previous[index]):
            st.session_state[key] = value
    st.session_state["train.suggested"] = (epochs, patience)
    return epochs, patience, math.ceil(size / batch_size)


def settings_form(t: Texts, data: PreparedData | None, busy: bool) -> TrainingConfig | None:
    """Section 2; the config when Start was pressed with usable data, else None.

    A form, so changing a setting neither reruns the page nor retrains: only Start does.
    """
    words = t["settings"]
    st.header(words["heading"])
    if data is not None:
        _reset_column_settings(data)
    suggested_epochs, suggested_patience, steps_per_epoch = _suggest_epochs(data)
    with st.form("train.settings", border=True):
        model, training, text = st.columns(3)
        with model:
            st.markdown(f"**{words['model']}**")
            cell = st.selectbox(words["cell"], CELLS, index=CELLS.index(DEFAULTS.cell),
                                format_func=words["cells"].get, key="train.cell", help=words["cell_help"])
            bidirectional = st.toggle(words["bidirectional"], value=DEFAULTS.bidirectional,
                                      key="train.bidirectional", help=words["bidirectional_help"])
            num_layers = st.number_input(words["num_layers"], 1, 4, DEFAULTS.num_layers, key="train.num_layers")
            hidden_size = st.number_input(words["hidden_size"], 4, 512, DEFAULTS.hidden_size, step=8,
                                          key="train.hidden_size", help=words["hidden_size_help"])
            embed_size = st.number_input(words["embed_size"], 4, 512, DEFAULTS.embed_size, step=8,
                                         key="train.embed_size", help=words["embed_size_help"])
            pooling = st.selectbox(words["pooling"], POOLINGS, index=POOLINGS.index(DEFAULTS.pooling),
                                   format_func=words["poolings"].get, key="train.pooling",
                                   help=words["pooling_help"])
            dropout = st.slider(words["dropout"], 0.0, 0.8, DEFAULTS.dropout, 0.05, key="train.dropout",
                                help=words["dropout_help"])
        with training:
            st.markdown(f"**{words['training']}**")
            epochs = st.number_input(words["epochs"], 1, 50, key="train.epochs", help=words["epochs_help"])
            patience = st.number_input(words["patience"], 1, 50, key="train.patience", help=words["patience_help"])
            if data is not None:
                st.caption(words.format("epochs_suggested", epochs=suggested_epochs, patience=suggested_patience,
                                        steps=steps_per_epoch))
            batch_size = st.number_input(words["batch_size"], 1, 512, DEFAULTS.batch_size, key="train.batch_size")
            learning_rate = st.number_input(words["learning_rate"], 1e-5, 1.0, DEFAULTS.learning_rate,
                                            format="%.5f", step=1e-4, key="train.learning_rate")
            validation_fraction = st.slider(
                words["validation_fraction"], 0.05, 0.5, DEFAULTS.validation_fraction, 0.05,
                key="train.validation_fraction", disabled=data is not None and data.validation is not None,
                help=words["validation_fraction_help"])
            seed = st.number_input(words["seed"], 0, 99_999, DEFAULTS.seed, key="train.seed",
                                   help=words["seed_help"])
        with text:
            st.markdown(f"**{words['text']}**")
            suggested = data.suggested_max_length if data is not None else 64
            if "train.max_length" not in st.session_state:
                st.session_state["train.max_length"] = suggested
            max_length = st.number_input(words["max_length"], 1, 4096, key="train.max_length",
                                         help=words.format("max_length_help", suggested=suggested))
            min_freq = st.number_input(words["min_freq"], 1, 100, DEFAULTS.min_freq, key="train.min_freq",
                                       help=words["min_freq_help"])
            max_vocab_size = st.number_input(words["max_vocab_size"], 100, 500_000, DEFAULTS.max_vocab_size,
                                             step=1000, key="train.max_vocab_size")
            lowercase = st.toggle(words["lowercase"], value=DEFAULTS.lowercase, key="train.lowercase")
        started = st.form_submit_button(words["start"], type="primary", icon=":material/play_arrow:",
                                        disabled=busy or data is None, key="train.start")
    if busy:
        st.caption(words["busy"])
    if not started or data is None or busy:
        return None
    steps_per_epoch = math.ceil(train_size(data, validation_fraction) / batch_size)
    automatic = (epochs, patience) == (suggested_epochs, suggested_patience)
    config = TrainingConfig(
        cell=cell, bidirectional=bidirectional, num_layers=int(num_layers), embed_size=int(embed_size),
        hidden_size=int(hidden_size), dropout=float(dropout), pooling=pooling,
        epochs=None if automatic else int(epochs), patience=None if automatic else int(patience),
        batch_size=int(batch_size), learning_rate=float(learning_rate), seed=int(seed),
        max_length=int(max_length), min_freq=int(min_freq), max_vocab_size=int(max_vocab_size),
        lowercase=lowercase, validation_fraction=float(validation_fraction),
        # about 25 points per epoch on the live curve, whatever the data size
        report_every=max(1, min(DEFAULTS.report_every, steps_per_epoch // 25)))
    with st.spinner(words["checking_size"]):
        problem = size_problem(data, config)
    if problem is not None:  # refused here, before a job is queued: the model could not be uploaded back
        st.error(error_text(t, problem), icon=":material/error:")
        return None
    return config


def start(data: PreparedData, config: TrainingConfig) -> bool:
    """Submit a training job for this session (False, with a message shown, when the server is full); the previous,
    finished one is dropped from the shared manager (its model already lives in the session), so a server does not
    pile up every session's data and results."""
    previous = current_job()
    if previous is not None and previous.finished:
        harvest(previous)
        job_manager().forget(previous)
    job = submit_job(run_training_job, TrainingRequest(data.training_data, config), label="train")
    if job is None:  # the server is full: the message is shown, nothing was queued
        return False
    st.session_state[JOB_KEY] = job.id
    return True


def _duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


def curve_labels(t: Texts) -> CurveLabels:
    words = t["job"]["curves"]
    return CurveLabels(**{name: words[name] for name in CurveLabels.__dataclass_fields__})


def _progress_body(t: Texts) -> None:
    words = t["job"]
    job = current_job()
    if job is None:
        return
    if job.finished and st.session_state.get(HARVESTED_KEY) != job.id:
        harvest(job)
        st.rerun()  # the whole page: the results sections below need the new model
    records = list(job.records)
    started = next((record for record in records if record["kind"] == "start"), None)
    steps = [record for record in records if record["kind"] == "step"]
    if job.status == "queued":
        st.info(words.format("queued", position=job.queue_position()), icon=":material/hourglass_top:")
    elif job.status == "running":
        if started is None:
            st.progress(0.0, text=words["starting"])
        else:
            last = steps[-1] if steps else None
            progress = last["progress"] if last else 0.0
            eta = words.format("eta", time=_duration(last["eta_seconds"])) if last else words["eta_unknown"]
            st.progress(min(1.0, progress), text=words.format(
                "running", epoch=last["epoch"] if last else 1, epochs=started["epochs"],
                step=last["step"] if last else 0, total=started["total_steps"], eta=eta))
        if job.stop_requested_at is not None:
            st.caption(words["stopping"])
        elif st.button(words["stop"], icon=":material/stop:", key="train.stop"):
            job.stop()
            st.rerun(scope="fragment")
    _finished_note(t, job)
    if started is not None:
        st.caption(words.format("data_sizes", train=started["train_size"], val=started["val_size"],
                                vocab=started["vocab_size"], max_length=started["max_length"],
                                device=describe_device(_device(started["device"]))))
        # the start record has the run's real epochs: the config's may be None (automatic)
        steps_per_epoch = max(1, math.ceil(started["total_steps"] / started["epochs"]))
        st.plotly_chart(training_curves_figure(records, steps_per_epoch, curve_labels(t)),
                        key="train.curves", config=CHART_CONFIG)


def _device(name: str):
    import torch

    try:
        return torch.device(name)
    except (RuntimeError, TypeError):
        return select_device()


def _finished_note(t: Texts, job) -> None:
    words = t["job"]
    if job.status == DONE and job.result.metrics.diverged:
        _diverged_note(t, job)
    elif job.status == DONE:
        metrics = job.result.metrics
        key = "early_stopped" if metrics.early_stopped else "done"
        st.success(words.format(key, seconds=f"{metrics.seconds:.0f}", epochs=metrics.epochs,
                                best=metrics.best_epoch), icon=":material/check_circle:")
    elif job.status == STOPPED:
        metrics = job.result.metrics if job.result is not None else None
        if metrics is not None and metrics.epochs:
            st.info(words.format("stopped", best=metrics.best_epoch), icon=":material/stop_circle:")
        else:
            st.warning(words["stopped_empty"], icon=":material/stop_circle:")
    elif job.status == FAILED:
        problem = next((record for record in job.records if record["kind"] == "error"), None)
        if problem is not None:  # the data could not be trained on: say why, no traceback
            reason = error_text(t, error_from_record(problem["code"], problem["params"]))
            st.error(words.format("failed_data", reason=reason), icon=":material/error:")
            return
        st.error(words["failed"], icon=":material/error:")
        with st.expander(words["details"]):
            st.code(job.error or "", language=None)


def _diverged_note(t: Texts, job) -> None:
    """The loss stopped being finite: the learning rate is almost always too high for this model and data."""
    words = t["job"]
    metrics = job.result.metrics
    rate = job.config.config.learning_rate
    advice = words.format("diverged", epoch=metrics.epochs + 1, rate=f"{rate:g}", lower=f"{rate / 10:g}")
    if metrics.best_epoch:
        st.warning(advice + " " + words.format("diverged_kept", best=metrics.best_epoch), icon=":material/warning:")
    else:
        st.error(advice + " " + words["diverged_empty"], icon=":material/error:")


def progress_section(t: Texts) -> None:
    """Section 3: polled while the job runs, drawn once when it is over."""
    st.header(t["job"]["heading"])
    job = current_job()
    if job is None:
        st.caption(t["job"]["idle"])
        return
    # Polling only while something can still change: a finished job's panel is drawn once.
    body = st.fragment(run_every=None if job.finished else POLL_SECONDS)(_progress_body)
    body(t)
