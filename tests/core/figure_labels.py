"""Words for the figure builders in core tests (the app fills the same dataclasses from assets/text)."""

from core.figures.bptt import BackwardLabels
from core.figures.code import LoopLabels
from core.figures.gradients import ActivationLabels, ChainLabels, ClippingLabels
from core.figures.player import PlayerLabels
from core.figures.rnn_step import StepFigureLabels
from core.figures.unrolled import UnrolledLabels

PLAYER = PlayerLabels("▶ Play", "▮▮ Pause", "t = ")
UNROLLED = UnrolledLabels(player=PLAYER, cell="RNN")
STEP_TERMS = StepFigureLabels(player=PLAYER, unit="unit")
BACKWARD = BackwardLabels(
    chain_title="chain", grad_title="components", term_title="term", sum_title="sum", autograd_title="autograd",
    unit_axis="hidden unit", column_axis="column j", row_axis="row i", loss="L", norm="‖∂L/∂h‖", player=PLAYER,
)
CHAIN = ChainLabels(measured="measured", upper="upper", lower="lower", weight="weight", radius="radius",
                    x_axis="step t", y_axis="norm", player=PLAYER)
ACTIVATION = ActivationLabels(value_title="φ", slope_title="φ′", all_steps="all", this_step="this", player=PLAYER)
CLIPPING = ClippingLabels(before="before", after="after", threshold="threshold", x_axis="batch", y_axis="norm")
LOOP = LoopLabels(step_axis="time step t", layer_axis="layer", layer="layer", call="call", norm="‖h‖", gap="max |Δ|",
                  player=PlayerLabels("▶ Play", "▮▮ Pause", "nn.LSTMCell call "))
