"""The "Train on your text" page: demo data, uploads (good and bad), a real background training run, evaluation,
try-a-sentence, stop, and saving / loading the model."""

import re
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.classifier.bundle import BUNDLE_ERROR_PARAMS, BundleError, load_bundle
from core.classifier.explain import integrated_gradients
from core.classifier.predict import predict
from core.classifier.sizing import check_planned_size, token_counts
from core.classifier.training import TrainingConfig, TrainingRequest, run_training_job, suggest_epochs
from core.escape import markdown_text
from core.textdata.dataset import LabeledTexts
from core.textdata.demo import demo_path
from core.textdata.errors import ERROR_PARAMS, WARNING_PARAMS, DataError, literal_params
from core.textdata.loading import read_path
from pages.kit.i18n import texts
from pages.kit.jobs import job_manager
from pages.practice.train_data import error_text
from pages.practice.train_try import INTEGRATION_STEPS

ROOT = Path(__file__).resolve().parents[2]
TINY = {"train.epochs": 1, "train.hidden_size": 8, "train.embed_size": 8}
PLACEHOLDER = re.compile(r"{(\w*)}")


def demo_rows(lang):
    return len(demo_path(lang).read_text("utf-8").strip().splitlines()) - 1


def open_page(lang="en"):
    app = AppTest.from_file(str(ROOT / "pages" / "practice" / "train.py"), default_timeout=60)
    app.session_state["lang"] = lang
    app.run()
    assert not app.exception, app.exception
    return app


def has_chart(app, key) -> bool:
    """Whether the page drew the Plotly chart with key ``key`` (AppTest's public lookup; the figures' numbers are
    checked where they are built, from the same core results, in tests/core/test_figures_train.py)."""
    try:
        return app.get_by_key(key).type == "plotly_chart"
    except KeyError:
        return False


def shown_prediction(app, t, prediction) -> bool:
    """The page's prediction line, with the label and probability of ``prediction`` (a core result)."""
    probability = prediction.probabilities[prediction.label]
    line = t["try"].format("prediction", label=prediction.label, probability=f"{100 * probability:.1f}")
    return line in [markdown.value for markdown in app.markdown]


def upload(app, content: bytes, name="data.csv", key="train.upload"):
    app.file_uploader(key=key).set_value((name, content, "text/csv"))
    app.run()
    assert not app.exception, app.exception


def errors(app):
    return [element.value for element in app.error]


def start_training(app, settings):
    for key, value in settings.items():
        app.number_input(key=key).set_value(value)
    app.button(key="train.start").click()
    app.run()
    assert not app.exception, app.exception
    return app.session_state["train.job"]


def poll_until(app, condition, timeout=240):  # the job also imports scikit-learn and fits the baseline
    """run_every never fires in AppTest: rerun the page until ``condition(app)`` holds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        app.run()
        assert not app.exception, app.exception
        if condition(app):
            return
        time.sleep(0.3)
    job = job_manager().get(app.session_state["train.job"]) if "train.job" in app.session_state else None
    state = (job.status, [record["kind"] for record in job.records][-5:], (job.error or "")[-800:]) if job else None
    raise AssertionError(f"timed out waiting for the training job: {state}")


def has_model(app):
    return "train.model" in app.session_state and app.session_state["train.model"] is not None


def small_csv(rows=30):
    lines = ["review,stars"]
    for index in range(rows):
        good = index % 2 == 0
        lines.append(f"\"{'lovely friendly staff, great food' if good else 'cold room, rude service'} #{index}\","
                     f"{'good' if good else 'bad'}")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_demo_data_in_the_ui_language(lang):
    app = open_page(lang)
    t = texts("train", lang)
    assert app.title[0].value == t["page"]["title"]
    assert [info.value for info in app.info][0] == t["data"]["demo_note"]
    assert app.selectbox(key="train.text_column").value == "text"
    assert app.selectbox(key="train.label_column").value == "label"
    expected = {"en": {"sport", "food", "weather", "technology"}, "zh": {"体育", "美食", "天气", "科技"}}[lang]
    demo = LabeledTexts.from_table(read_path(demo_path(lang)), "text", "label")
    assert set(demo.labels) == expected and len(demo.labels) == demo_rows(lang)
    assert has_chart(app, "train.class_counts") and has_chart(app, "train.lengths")
    assert not app.button(key="train.start").disabled
    assert [header.value for header in app.header][0] == t["data"]["heading"]


def test_small_upload_is_profiled_and_columns_can_be_changed():
    app = open_page("en")
    upload(app, small_csv(30), "hotel.csv")
    assert not errors(app)
    summary = " ".join(markdown.value for markdown in app.markdown)
    assert "**30 rows**" in summary and "**utf-8**" in summary and "comma" in summary
    assert app.selectbox(key="train.text_column").value == "review"
    assert app.selectbox(key="train.label_column").value == "stars"
    assert has_chart(app, "train.class_counts")
    # the same column twice is refused in words, and training is disabled until it is fixed
    app.selectbox(key="train.label_column").set_value("review")
    app.run()
    t = texts("train", "en")
    assert t["errors"].format("same_column", name="review") in errors(app)
    assert app.button(key="train.start").disabled
    app.selectbox(key="train.label_column").set_value("stars")
    app.run()
    assert not errors(app)
    assert not app.button(key="train.start").disabled


BAD_FILES = {
    "empty": (b"", "empty_file", {}),
    "one_class": (b"text,label\n" + b"".join(b"sentence number %d here,spam\n" % index for index in range(20)),
                  "one_class", {"label": "spam"}),
    "binary": (bytes(range(256)) * 40, "binary_file", {}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_uploads_get_a_translated_error_and_the_page_stays_usable(case, lang):
    content, code, params = BAD_FILES[case]
    app = open_page(lang)
    upload(app, content, f"{case}.csv")
    t = texts("train", lang)
    assert t["errors"].format(code, **params) in errors(app)
    assert app.button(key="train.start").disabled
    assert len(app.header) == 7  # every section is still drawn
    # removing the file brings the demo data back
    app.file_uploader(key="train.upload").set_value(None)
    app.run()
    assert not errors(app) and not app.button(key="train.start").disabled


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_files_labels_and_column_names_show_as_written_never_as_links(lang):
    link = "[win a prize](https://evil.example)"
    app = open_page(lang)
    upload(app, b"text,label\n" + b"".join(b"sentence number %d here,%s\n" % (index, link.encode())
                                           for index in range(20)), "one_class.csv")
    t = texts("train", lang)
    assert errors(app) == [t["errors"].format("one_class", label=markdown_text(link))]
    app = open_page(lang)
    upload(app, (f"text,{link},{link}\n" + "".join(f"sentence {index} is here,{'ab'[index % 2]},c\n"
                                                    for index in range(20))).encode(), "columns.csv")
    shown = [element.value for element in app.info] + [element.value for element in app.warning]
    assert t["warnings"].format("duplicate_columns", names=markdown_text(link)) in shown
    assert not any("](" in message for message in shown + errors(app))


def test_training_evaluation_try_download_and_reload():
    app = open_page("en")
    t = texts("train", "en")
    job = start_training(app, TINY)
    assert job
    poll_until(app, has_model)
    model = app.session_state["train.model"]
    metrics = model.metrics
    assert metrics.epochs == 1 and metrics.train_size + metrics.val_size == demo_rows("en")
    shown = {metric.label: metric.value for metric in app.metric}
    assert shown[t["results"]["accuracy"]] == f"{100 * metrics.val_accuracy:.1f}%"
    assert shown[t["results"]["macro_f1"]] == f"{100 * metrics.val_macro_f1:.1f}%"
    baseline = model.baseline  # fitted on the same split, shown beside the RNN's scores
    assert t["results"].format("baseline", accuracy=f"{100 * baseline.accuracy:.1f}%",
                               macro_f1=f"{100 * baseline.macro_f1:.1f}%",
                               seconds=f"{baseline.seconds:.1f}") in [markdown.value for markdown in app.markdown]
    deltas = {metric.label: metric.delta for metric in app.metric}
    assert deltas[t["results"]["accuracy"]] == f"{100 * (metrics.val_accuracy - baseline.accuracy):+.1f}"
    assert any(success.value.startswith("Training finished") for success in app.success)
    assert has_chart(app, "train.confusion") and has_chart(app, "train.curves")

    # try a sentence: the numbers on screen are the bundle's own
    bundle = model.bundle
    sentence = t["try"]["default_sentence"]
    expected = predict(bundle, sentence)
    assert shown_prediction(app, t, expected) and has_chart(app, "train.probabilities")
    reference = integrated_gradients(bundle, sentence, target=expected.label, steps=INTEGRATION_STEPS)
    np.testing.assert_allclose(reference.scores.sum(), reference.output - reference.baseline_output, rtol=0.02)
    completeness = t["try"].format("completeness", total=f"{float(np.sum(reference.scores)):.4f}",
                                   gap=f"{reference.output - reference.baseline_output:.4f}")
    assert completeness in [caption.value for caption in app.caption]  # the page's sum is the core's attribution
    assert bundle.config.ngram_buckets and t["try"]["linear_path"] in [caption.value for caption in app.caption]
    app.segmented_control(key="train.method").set_value("gradient_x_input")
    app.run()
    assert not app.exception and has_chart(app, "train.attribution")
    assert completeness not in [caption.value for caption in app.caption]  # that check belongs to IG only
    assert has_chart(app, "train.states")
    assert any("lstm_step.text=The%20striker" in markdown.value for markdown in app.markdown)
    assert app.download_button(key="train.download").label == t["export"]["download"]
    assert load_bundle(model.bytes).label_names == bundle.label_names

    # a bad new upload does not destroy the trained model
    upload(app, b"", "broken.csv")
    assert t["errors"]["empty_file"] in errors(app)
    assert app.session_state["train.model"].job == job
    assert app.download_button(key="train.download")

    # bundles: garbage is refused in words, the downloaded zip loads back
    upload(app, b"not a zip at all", "model.zip", key="train.bundle_upload")
    with pytest.raises(BundleError) as refused:
        load_bundle(b"not a zip at all")
    assert refused.value.code == "bundle_invalid"
    assert t["bundle_errors"].format("bundle_invalid", **literal_params(refused.value.params)) in errors(app)
    upload(app, model.bytes, "model.zip", key="train.bundle_upload")
    assert any(success.value.startswith("Loaded " + markdown_text("model.zip")) for success in app.success)
    app.radio(key="train.model_choice").set_value("loaded")
    app.run()
    assert not app.exception
    assert shown_prediction(app, t, predict(load_bundle(model.bytes), sentence))
    assert shown_prediction(app, t, expected)  # the loaded bundle predicts what the trained one did


def test_stop_keeps_the_best_model_so_far():
    app = open_page("zh")
    start_training(app, {"train.epochs": 50, "train.batch_size": 1, "train.hidden_size": 16,
                         "train.embed_size": 16})
    job_id = app.session_state["train.job"]
    from pages.kit.jobs import job_manager

    job = job_manager().get(job_id)
    poll_until(app, lambda _: any(record["kind"] == "step" for record in job.records))
    app.button(key="train.stop").click()
    app.run()
    poll_until(app, has_model)
    assert job.status == "stopped"
    metrics = app.session_state["train.model"].metrics
    assert metrics.stopped and 1 <= metrics.epochs < 50
    t = texts("train", "zh")
    assert t["job"].format("stopped", best=metrics.best_epoch) in [info.value for info in app.info]


def test_epochs_are_prefilled_for_the_data_and_a_typed_value_is_kept():
    app = open_page("en")
    t = texts("train", "en")
    epochs, patience = suggest_epochs(640, 32)  # 800 demo texts, 20% held out
    assert (epochs, patience) == (15, 3)
    assert app.number_input(key="train.epochs").value == epochs
    assert app.number_input(key="train.patience").value == patience
    note = t["settings"].format("epochs_suggested", epochs=epochs, patience=patience, steps=20)
    assert note in [caption.value for caption in app.caption]
    upload(app, small_csv(30), "hotel.csv")  # 24 training texts: one step an epoch, so the most epochs
    assert app.number_input(key="train.epochs").value == suggest_epochs(24, 32)[0] == 30
    # a form sends its values with Start: train once with a typed epoch count
    job = job_manager().get(start_training(app, {"train.epochs": 4, "train.hidden_size": 8, "train.embed_size": 8}))
    assert job.config.config.epochs == 4 and job.config.config.patience == 6
    poll_until(app, has_model)
    app.file_uploader(key="train.upload").set_value(None)  # back to the demo: the typed 4 stays,
    app.run()  # the untouched patience follows the new data
    assert app.number_input(key="train.epochs").value == 4
    assert app.number_input(key="train.patience").value == patience


def test_untouched_epochs_train_automatically_and_progress_uses_the_real_count():
    app = open_page("en")
    start_training(app, {"train.hidden_size": 8, "train.embed_size": 8, "train.batch_size": 64})
    job = job_manager().get(app.session_state["train.job"])
    # the batch size changed in the same submit: "automatic" lets the trainer recompute the epochs for it
    assert job.config.config.epochs is None and job.config.config.patience is None
    poll_until(app, has_model)
    started = next(record for record in job.records if record["kind"] == "start")
    assert (started["epochs"], started["patience"]) == suggest_epochs(640, 64) == (30, 6)
    assert started["total_steps"] == 30 * 10
    metrics = app.session_state["train.model"].metrics
    assert 1 <= metrics.best_epoch <= metrics.epochs <= 30
    # the next form is pre-filled for the batch size that was submitted
    assert app.number_input(key="train.epochs").value == 30


def submit_directly(app, request):
    """A real job in the page's own manager, as Start would submit it (for settings the form cannot produce)."""
    job = job_manager().submit(run_training_job, request, owner="test", label="train")
    app.session_state["jobs.owner"] = "test"  # the session's owner id (pages.kit.jobs.OWNER_KEY): its job
    app.session_state["train.job"] = job.id
    poll_until(app, lambda _: job.finished)
    app.run()
    assert not app.exception, app.exception
    return job


def test_a_diverging_run_says_to_lower_the_learning_rate(lang="en"):
    app = open_page(lang)
    t = texts("train", lang)
    data = LabeledTexts.from_table(read_path(demo_path(lang)), "text", "label")
    config = TrainingConfig(embed_size=8, hidden_size=8, epochs=2, learning_rate=1e30, clip_norm=0.0, num_threads=1)
    job = submit_directly(app, TrainingRequest(data, config))
    assert job.status == "done" and job.result.metrics.diverged
    advice = t["job"].format("diverged", epoch=1, rate="1e+30", lower="1e+29")
    assert advice + " " + t["job"]["diverged_empty"] in errors(app)
    assert "train.model" not in app.session_state  # an untrained model is not offered as a result
    assert t["results"]["none_yet"] in [caption.value for caption in app.caption]


def test_data_the_trainer_refuses_is_explained_in_words():
    app = open_page("zh")
    t = texts("train", "zh")
    train = LabeledTexts(["好", "很好", "非常好"], ["正面"] * 3)
    job = submit_directly(app, TrainingRequest((train, LabeledTexts(["差"], ["负面"])), TrainingConfig()))
    assert job.status == "failed"
    reason = t["errors"].format("one_class", label="正面")
    assert t["job"].format("failed_data", reason=reason) in errors(app)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_model_too_large_to_load_back_is_refused_before_training_in_words(lang):
    app = open_page(lang)
    t = texts("train", lang)
    data = LabeledTexts.from_table(read_path(demo_path(lang)), "text", "label")
    huge = TrainingConfig(num_layers=4, hidden_size=512, embed_size=512, num_threads=1)  # the form's maxima
    job = submit_directly(app, TrainingRequest(data, huge))
    assert job.status == "failed" and not any(record["kind"] == "step" for record in job.records)
    problem = next(record for record in job.records if record["kind"] == "error")
    assert problem["code"] == "model_too_large"
    reason = t["bundle_errors"].format("model_too_large", **problem["params"])
    assert t["job"].format("failed_data", reason=reason) in errors(app)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_form_refuses_a_model_too_large_to_load_back_before_any_job_starts(lang):
    app = open_page(lang)
    t = texts("train", lang)
    huge = {"train.num_layers": 4, "train.hidden_size": 512, "train.embed_size": 512}  # the form's maxima
    for key, value in huge.items():
        app.number_input(key=key).set_value(value)
    app.button(key="train.start").click()
    app.run()
    assert not app.exception, app.exception
    assert "train.job" not in app.session_state  # nothing was queued
    data = LabeledTexts.from_table(read_path(demo_path(lang)), "text", "label")
    with pytest.raises(BundleError) as refused:
        check_planned_size(token_counts(data.texts, True), len(data.classes),
                           TrainingConfig(num_layers=4, hidden_size=512, embed_size=512))
    assert refused.value.params["limit_mb"] == 50.0
    assert error_text(t, refused.value) in errors(app)
    assert not app.button(key="train.start").disabled  # smaller settings can be started at once


def raised_codes(kind: str) -> set[str]:
    """Every code that core/ raises as ``kind("code", ...)`` (or through a helper returning one)."""
    pattern = re.compile(rf'\b{kind}\(\s*"(\w+)"')
    return {code for path in (ROOT / "core").rglob("*.py") for code in pattern.findall(path.read_text("utf-8"))}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_error_and_warning_code_has_a_message_with_its_parameters(lang):
    t = texts("train", lang)
    assert raised_codes("DataError") <= set(ERROR_PARAMS)
    assert raised_codes("BundleError") <= set(BUNDLE_ERROR_PARAMS) and raised_codes("BundleError")
    for table, declared in (("errors", ERROR_PARAMS), ("warnings", WARNING_PARAMS),
                            ("bundle_errors", BUNDLE_ERROR_PARAMS)):
        assert set(t[table]) == set(declared), f"{lang}/{table}"
        for code, params in declared.items():
            assert set(PLACEHOLDER.findall(t[table][code])) == set(params), f"{lang}/{table}.{code}"
    fallback = t["page"]["error_fallback"].split("{")[0]
    for code, params in {**ERROR_PARAMS, **BUNDLE_ERROR_PARAMS}.items():
        values = {name: f"<{name}>" for name in params}
        error = BundleError(code, **values) if code in BUNDLE_ERROR_PARAMS else DataError(code, **values)
        message = error_text(t, error)
        shown = literal_params(values).values()  # what a file said is shown literally (escaped Markdown)
        assert not message.startswith(fallback) and all(value in message for value in shown), code
