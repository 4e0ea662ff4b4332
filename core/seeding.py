"""Seeded randomness for a server shared by many sessions: every draw comes from a private ``torch.Generator``.

``torch.manual_seed`` sets the process-wide generator; two sessions computing at once would interleave their draws
and each get numbers that depend on the other. Here the seed alone fixes the result.

:func:`seeded_module` builds a module without drawing anything (on the meta device), then fills every parameter
with torch's own default initialisation for its layer type, drawn from a generator keyed by the seed, in the
order torch itself initialises them (submodules before the module that holds them, then registration order).

Building on the meta device is the slow part (every ``reset_parameters`` draw there runs through torch's Python
decompositions and the device mode: 3–5× the cost of the layer's own construction), and a page rebuilds the same
shape for every new seed. So the first build of a factory is kept as a template and later builds of the same
factory copy it (``copy.deepcopy``) before filling every parameter afresh from the seed: the same parameters, a
third of the time. "The same factory" is read off the function itself (code, captured values, defaults and the
globals it names) and only when all of those are immutable values; any other factory is built each time.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
import math
import threading
import types
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar

import torch
from torch import nn

from core.typed_key import typed_key

Module = TypeVar("Module", bound=nn.Module)

# Templates kept: a process builds a handful of shapes (a lesson's model, its readout …), each a few kilobytes; a
# template holds (uninitialised) storage, so a large model is built each time rather than kept.
MAX_TEMPLATES = 64
MAX_TEMPLATE_VALUES = 1_000_000
_templates: OrderedDict[Hashable, nn.Module] = OrderedDict()
_templates_lock = threading.Lock()


def generator(seed: int) -> torch.Generator:
    """A CPU generator seeded with ``seed``: pass it to ``torch.randn(…, generator=…)`` and friends."""
    return torch.Generator().manual_seed(int(seed))


def seeded_module(factory: Callable[[], Module], seed: int) -> Module:
    """``factory()`` with every parameter drawn from ``seed`` by torch's default rule for its layer.

    Layers with parameters must be one of: RNN / LSTM / GRU and their cells (U(−1/√H, 1/√H)), Linear
    (U(−1/√fan_in, 1/√fan_in), weight then bias), Embedding (N(0, 1)), LayerNorm (1 and 0), MultiheadAttention
    (Xavier-uniform in-projection, zero biases). Anything else raises ``TypeError``: no parameter is left to the
    global generator. The module comes back in eval mode.
    """
    module = _built(factory)
    draw = generator(seed)
    filled: set[int] = set()
    with torch.no_grad():
        for layer in _children_first(module):
            for parameter in _initialise(layer, draw):
                filled.add(id(parameter))
    missing = [name for name, parameter in module.named_parameters() if id(parameter) not in filled]
    if missing:
        raise TypeError(f"no seeded initialisation for parameters {missing}")
    return module.eval()


def empty_module(factory: Callable[[], Module]) -> Module:
    """A new ``factory()`` whose parameters have CPU storage but no values yet: nothing is drawn, from any generator.

    For a caller that fills every parameter itself (lesson 4's RNN, whose W_hh is rescaled): constructing the layer
    normally would first draw its default initialisation from torch's global generator, only to overwrite it.
    """
    return _built(factory)


def _built(factory: Callable[[], Module]) -> Module:
    """A new ``factory()`` with uninitialised CPU parameters, drawing nothing: a copy of the factory's template."""
    key = _factory_key(factory)
    if key is None:
        return _construct(factory)
    with _templates_lock:
        template = _templates.get(key)
        if template is not None:
            _templates.move_to_end(key)
    if template is None:
        template = _construct(factory)
        if sum(parameter.numel() for parameter in template.parameters()) > MAX_TEMPLATE_VALUES:
            return template  # built for this call alone
        with _templates_lock:
            _templates[key] = template
            while len(_templates) > MAX_TEMPLATES:
                _templates.popitem(last=False)
    return copy.deepcopy(template)  # the template itself is never handed out, nor filled


def _construct(factory: Callable[[], Module]) -> Module:
    with torch.device("meta"):  # constructing draws nothing: the meta device has no values
        module = factory()
    _allocate_on_cpu(module)
    return module


def _factory_key(factory: Callable) -> Hashable | None:
    """What fixes the module ``factory`` builds, as a key: its code with the values it captures, its defaults and
    the globals it names. ``None`` unless every one is an immutable value (numbers, strings, tuples, frozen
    dataclasses of them, classes, modules, functions): then two factories with one key build the same shape. (A
    layer class looked up on a named module, ``nn.LSTM``, is taken as fixed: nothing here rebinds torch's classes.)"""
    code = getattr(factory, "__code__", None)
    if not isinstance(factory, types.FunctionType) or code is None:
        return None
    namespace = factory.__globals__
    try:
        captured = tuple(cell.cell_contents for cell in factory.__closure__ or ())
    except ValueError:  # a captured name not assigned yet
        return None
    named = tuple((name, namespace[name]) for name in code.co_names if name in namespace)
    parts = (captured, factory.__defaults__ or (), tuple(sorted((factory.__kwdefaults__ or {}).items())), named)
    if not _fixed(parts):
        return None
    return code, typed_key(parts)  # 1, 1.0 and True build different layers


def _fixed(value: Any) -> bool:
    """True when ``value`` cannot change after the fact (so a template built from it stays right)."""
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes, enum.Enum, type, types.ModuleType,
                                           types.FunctionType, types.BuiltinFunctionType)):
        return True
    if isinstance(value, tuple):
        return all(_fixed(item) for item in value)
    if dataclasses.is_dataclass(value) and type(value).__dataclass_params__.frozen:
        return all(_fixed(getattr(value, field.name)) for field in dataclasses.fields(value))
    return False


def _allocate_on_cpu(module: nn.Module) -> None:
    """Give every meta parameter real (uninitialised) CPU storage, by plain attribute assignment.

    ``Module.to_empty`` does the same but costs about a second the first time a process calls it; assignment is
    public API, and recurrent layers keep their flat weight list in step through their own ``__setattr__``.
    """
    for layer in module.modules():
        if any(buffer.is_meta for buffer in layer.buffers(recurse=False)):
            raise TypeError(f"no seeded initialisation for the buffers of {type(layer).__name__}")
        for name, parameter in list(layer.named_parameters(recurse=False)):
            setattr(layer, name, nn.Parameter(torch.empty(parameter.shape, dtype=parameter.dtype),
                                              requires_grad=parameter.requires_grad))


def _children_first(module: nn.Module) -> Iterator[nn.Module]:
    for child in module.children():
        yield from _children_first(child)
    yield module


def _initialise(layer: nn.Module, draw: torch.Generator) -> list[torch.Tensor]:
    """Fill ``layer``'s own parameters as its ``reset_parameters`` would; returns the tensors it filled."""
    own = list(layer.parameters(recurse=False))
    if isinstance(layer, (nn.RNNBase, nn.RNNCellBase)):
        bound = 1.0 / math.sqrt(layer.hidden_size)
        for parameter in own:
            parameter.uniform_(-bound, bound, generator=draw)
    elif isinstance(layer, nn.Linear):
        bound = 1.0 / math.sqrt(layer.in_features) if layer.in_features else 0.0
        for parameter in own:  # weight (kaiming-uniform with a = √5 gives this bound), then bias
            parameter.uniform_(-bound, bound, generator=draw)
    elif isinstance(layer, nn.Embedding):
        layer.weight.normal_(generator=draw)
        if layer.padding_idx is not None:
            layer.weight[layer.padding_idx].fill_(0)
    elif isinstance(layer, nn.LayerNorm):
        for parameter, value in zip(own, (1.0, 0.0)):
            parameter.fill_(value)
    elif isinstance(layer, nn.MultiheadAttention):
        if not layer._qkv_same_embed_dim:
            raise TypeError("seeded_module supports MultiheadAttention with one in-projection only")
        nn.init.xavier_uniform_(layer.in_proj_weight, generator=draw)
        if layer.in_proj_bias is not None:
            layer.in_proj_bias.zero_()
            layer.out_proj.bias.zero_()  # drawn with out_proj as a Linear, then zeroed like torch does
    elif own:
        raise TypeError(f"no seeded initialisation for {type(layer).__name__}")
    return own
