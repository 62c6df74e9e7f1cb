"""What kind of layer a torch module is, in the run record's vocabulary (docs/run-record.md).

The table follows gradlab's own (src/diagnostics/layer-kind.ts): weight layers, norms, the
activation families, dropout and embeddings. Subclasses inherit their parent's kind, so a user's
``class MyLinear(nn.Linear)`` is still ``linear``.
"""
from __future__ import annotations

import torch.nn as nn

_TABLE = {}


def _put(kind: str, names: str) -> None:
    for n in names.split():
        _TABLE[n] = kind


_put("linear", "Linear Bilinear LazyLinear")
_put("conv", "Conv1d Conv2d Conv3d ConvTranspose1d ConvTranspose2d ConvTranspose3d LazyConv1d LazyConv2d LazyConv3d")
_put("recurrent", "RNN LSTM GRU RNNCell LSTMCell GRUCell")
_put("norm", "BatchNorm1d BatchNorm2d BatchNorm3d SyncBatchNorm LayerNorm GroupNorm InstanceNorm1d InstanceNorm2d InstanceNorm3d RMSNorm LocalResponseNorm")
_put("tanh", "Tanh")
_put("sigmoid", "Sigmoid")
_put("relu", "ReLU ReLU6 LeakyReLU PReLU RReLU ELU CELU SELU")
_put("activation", "GELU SiLU Mish Softplus Softsign Hardtanh Hardsigmoid Hardswish LogSigmoid Tanhshrink Softshrink Hardshrink Threshold")
_put("dropout", "Dropout Dropout1d Dropout2d Dropout3d AlphaDropout FeatureAlphaDropout")
_put("embedding", "Embedding EmbeddingBag")

KINDS = ("linear", "conv", "recurrent", "norm", "tanh", "sigmoid", "relu", "activation", "dropout", "embedding", "other")
DEFAULT_KINDS = ("linear", "conv", "recurrent", "norm", "tanh", "sigmoid", "relu", "activation")
WEIGHT_KINDS = ("linear", "conv", "recurrent")
ACTIVATION_KINDS = ("tanh", "sigmoid", "relu", "activation")

# functional activations seen through torch's function dispatch (see probe.py)
FUNCTIONAL_KINDS = {
    "tanh": "tanh",
    "sigmoid": "sigmoid",
    "relu": "relu",
    "leaky_relu": "relu",
    "elu": "relu",
    "selu": "relu",
    "celu": "relu",
    "relu6": "relu",
    "gelu": "activation",
    "silu": "activation",
    "mish": "activation",
    "softplus": "activation",
}


def layer_kind(module: nn.Module) -> str:
    """The kind of ``module`` (walking its class chain), ``other`` when unknown."""
    for cls in type(module).__mro__:
        k = _TABLE.get(cls.__name__)
        if k is not None and cls.__module__.startswith("torch."):
            return k
    return "other"
