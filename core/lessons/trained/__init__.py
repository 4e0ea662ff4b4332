"""Small lesson models trained on a toy agreement task, so the step-by-step lessons can show gates that mean something.

- ``grammar``  – the toy grammar: vocabulary, seeded sentence generator, the "was"/"were" label of every step.
- ``network``  – the shipped model (embedding → nn.RNN / nn.LSTM / nn.GRU → nn.Linear) and how it is built.
- ``build``    – ``python -m core.lessons.trained.build``: trains the three models and writes assets/models/.
- ``load``     – reads the shipped safetensors + JSON card back (never a pickle).
- ``story``    – which units and steps tell "forget the old subject, store the new one", from a trace.
"""
