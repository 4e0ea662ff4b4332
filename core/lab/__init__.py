"""The live lab: long-range tasks, a configuration, and a training job that records what the gradients do."""
