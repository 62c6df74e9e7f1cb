"""Small nets the tests share."""
import torch
import torch.nn as nn


def tanh_mlp(depth=6, width=32, inputs=16, classes=4, std=0.01, seed=0):
    """The lecture's broken net: tanh layers with weights N(0, std²), zero biases."""
    torch.manual_seed(seed)
    layers = []
    n = inputs
    for _ in range(depth):
        lin = nn.Linear(n, width)
        nn.init.normal_(lin.weight, 0.0, std)
        nn.init.zeros_(lin.bias)
        layers += [lin, nn.Tanh()]
        n = width
    layers.append(nn.Linear(n, classes))
    return nn.Sequential(*layers)


def batch(n=64, inputs=16, classes=4, seed=1):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, inputs, generator=g), torch.randint(0, classes, (n,), generator=g)
