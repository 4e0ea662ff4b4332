r"""Which tokens pushed the prediction, and what the recurrent layer computed at each token.

Attributions explain the target label's log-odds

.. math::
    f(x) = \log \frac{p_c(x)}{1 - p_c(x)} = z_c - \log \sum_{j \ne c} e^{z_j},

which does not saturate the way a probability does (0.999 and 0.9999 differ by 2.3 in log-odds).
Both methods work on the embedded text :math:`e \in \mathbb{R}^{T \times E}`:

- gradient × input: :math:`a_t = \sum_k e_{tk}\, \partial f / \partial e_{tk}` (one backward pass);
- integrated gradients (Sundararajan et al., 2017) from the all-``<pad>`` baseline :math:`e' = 0`
  (the padding embedding row is zero):
  :math:`a_t = \sum_k e_{tk} \int_0^1 \partial f(\alpha e) / \partial e_{tk}\, d\alpha`,
  integrated with Gauss–Legendre quadrature. Completeness: :math:`\sum_t a_t \approx f(e) - f(0)`.

A model with a linear n-gram path (``ngram_buckets``) adds that path's logits :math:`V x` to the recurrent ones;
they do not depend on :math:`e`, so f takes them as a constant offset: the prediction explained is the model's own,
the attributions are the recurrent path's, and the linear path's share stays in both f(e) and f(0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from core.classifier.bundle import ClassifierBundle
from core.classifier.predict import as_bundle, encode_text, linear_logits, model_inputs


@dataclass(frozen=True)
class Attribution:
    method: str  # "integrated_gradients" or "gradient_x_input"
    tokens: list[str]  # the tokens the model read
    scores: np.ndarray  # (seq_len,) contribution of each token to the target's log-odds
    target: str  # the label explained
    output: float  # f(x): the target's log-odds for the text
    baseline_output: float  # f(baseline): log-odds for the all-<pad> text (integrated gradients only)


@dataclass(frozen=True)
class TextTrace:
    tokens: list[str]  # the tokens the model read
    trace: object  # core.trace.Trace of bundle.model.rnn over this text (batch of 1)


def _log_odds(logits: Tensor, target: int) -> Tensor:
    """f = z_c - logsumexp_{j != c} z_j for each row of logits (batch, C) -> (batch,)."""
    others = torch.cat([logits[:, :target], logits[:, target + 1:]], dim=1)  # (batch, C-1)
    return logits[:, target] - torch.logsumexp(others, dim=1)


def _prepare(bundle_or_bytes, text: str, target: str | None):
    bundle = as_bundle(bundle_or_bytes)
    bundle.model.eval()
    encoded = encode_text(bundle, text)
    device = next(bundle.model.parameters()).device
    token_ids, lengths, subword_ids = model_inputs(bundle, encoded, device)  # (1, seq_len), (1,), (1, seq_len, S)
    with torch.no_grad():
        embedded = bundle.model.embed(token_ids, subword_ids)  # (1, seq_len, embed)
        offset = linear_logits(bundle, encoded, device)  # (1, C) or None
        logits = _logits(bundle, embedded, lengths, offset)  # (1, C)
    if target is None:
        target_index = int(logits.argmax())
    elif target in bundle.label_names:
        target_index = bundle.label_names.index(target)
    else:
        raise ValueError(f"unknown label {target!r}")
    return bundle, encoded, embedded, lengths, target_index, offset


def _logits(bundle: ClassifierBundle, embedded: Tensor, lengths: Tensor, offset: Tensor | None) -> Tensor:
    """The model's logits (batch, C) from embedded texts, plus the linear n-gram path's (1, C) when it has one."""
    logits = bundle.model.forward_embedded(embedded, lengths)
    return logits if offset is None else logits + offset


def _gradients(bundle: ClassifierBundle, embedded: Tensor, lengths: Tensor, target: int,
               offset: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """f and df/d(embedded) for a batch of embedded texts (batch, seq_len, embed)."""
    embedded = embedded.detach().requires_grad_(True)
    # cuDNN refuses RNN backward in eval mode; the native kernels compute the same thing.
    with torch.enable_grad(), torch.backends.cudnn.flags(enabled=False):
        values = _log_odds(_logits(bundle, embedded, lengths, offset), target)  # (batch,)
        (gradient,) = torch.autograd.grad(values.sum(), embedded)  # (batch, seq_len, embed)
    return values.detach(), gradient


def gradient_x_input(bundle_or_bytes, text: str, target: str | None = None) -> Attribution:
    """Per-token gradient × input of the target's log-odds (default target: the predicted label)."""
    bundle, encoded, embedded, lengths, target_index, offset = _prepare(bundle_or_bytes, text, target)
    value, gradient = _gradients(bundle, embedded, lengths, target_index, offset)
    scores = (gradient * embedded).sum(dim=-1)[0]  # (seq_len,)
    return Attribution("gradient_x_input", encoded.tokens, scores.cpu().double().numpy(),
                       bundle.label_names[target_index], float(value[0]), float("nan"))


def integrated_gradients(bundle_or_bytes, text: str, target: str | None = None, steps: int = 32,
                         chunk: int = 16) -> Attribution:
    """Integrated gradients of the target's log-odds from the all-<pad> (zero) embedding baseline.

    steps: quadrature nodes; Gauss–Legendre is exact for polynomials of degree 2*steps-1, so the
    completeness gap is far smaller than with the same number of Riemann steps.
    """
    bundle, encoded, embedded, lengths, target_index, offset = _prepare(bundle_or_bytes, text, target)
    nodes, weights = np.polynomial.legendre.leggauss(steps)
    alphas = torch.tensor((nodes + 1.0) / 2.0, dtype=embedded.dtype, device=embedded.device)  # (steps,) in (0, 1)
    quadrature = torch.tensor(weights / 2.0, dtype=embedded.dtype, device=embedded.device)  # (steps,)
    integral = torch.zeros_like(embedded[0])  # (seq_len, embed)
    for start in range(0, steps, chunk):
        alpha = alphas[start:start + chunk]  # (k,)
        scaled = alpha[:, None, None] * embedded  # (k, seq_len, embed): baseline 0 + alpha * (e - 0)
        _, gradient = _gradients(bundle, scaled, lengths.repeat(len(alpha)), target_index, offset)
        integral += (quadrature[start:start + chunk, None, None] * gradient).sum(dim=0)
    scores = (embedded[0] * integral).sum(dim=-1)  # (seq_len,)
    with torch.no_grad():
        value = _log_odds(_logits(bundle, embedded, lengths, offset), target_index)
        baseline = _log_odds(_logits(bundle, torch.zeros_like(embedded), lengths, offset), target_index)
    return Attribution("integrated_gradients", encoded.tokens, scores.cpu().double().numpy(),
                       bundle.label_names[target_index], float(value[0]), float(baseline[0]))


def trace_text(bundle_or_bytes, text: str) -> TextTrace:
    """Every hidden state and gate of the classifier's recurrent layer, token by token.

    Uses the same `core.trace.trace` as the lessons, on the model's own `rnn` module, so the
    heatmaps show the numbers the classifier really computed for this text.
    """
    from core.trace import trace

    bundle = as_bundle(bundle_or_bytes)
    bundle.model.eval()
    encoded = encode_text(bundle, text)
    device = next(bundle.model.parameters()).device
    with torch.no_grad():
        token_ids, _, subword_ids = model_inputs(bundle, encoded, device)
        embedded = bundle.model.embed(token_ids, subword_ids)  # (1, seq_len, embed)
        traced = trace(bundle.model.rnn, embedded)
    return TextTrace(tokens=encoded.tokens, trace=traced)
