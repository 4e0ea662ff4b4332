"""Test-wide settings."""

import torch

# Small models run faster on one thread, and the machine's two cores are shared with the app under test.
torch.set_num_threads(1)
