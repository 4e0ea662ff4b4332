"""The "Train on your text" classifier: an embedding, a (bidirectional) LSTM / GRU / RNN, pooling, a linear layer.

Modules (import the one you need; this package imports nothing on its own):

- ``model``    – :class:`ClassifierConfig`, :class:`TextClassifier`.
- ``batching`` – length-bucketed batches padded only to each batch's longest text.
- ``prepare``  – split, tokenize, build the vocabulary, encode.
- ``settings`` – :class:`TrainingConfig`, :class:`TrainingRequest`, epochs suited to the data's size.
- ``training`` – :func:`train_classifier` (the job target and the CLI's engine).
- ``results``  – frozen results: :class:`TrainingResult`, :class:`TrainingMetrics`, :class:`EpochRecord`,
  :class:`TrainedModel` (the session's model).
- ``baseline`` – TF-IDF + logistic regression on the same split, the yardstick the RNN is compared with.
- ``progress`` – step records: real tokens per second, progress, ETA.
- ``evaluate`` – accuracy, macro-F1, per-class scores, confusion matrix, misclassified examples.
- ``bundle``   – save / load a trained model as model.safetensors + config.json in one .zip.
- ``predict``  – classify new text with a bundle.
- ``explain``  – integrated gradients, gradient × input, and the recurrent layer's trace for one text.
"""
