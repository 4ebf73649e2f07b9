"""A small U-Net for salient-object segmentation.

Encoder: five levels, each a stride-2 3x3 convolution and a 3x3 convolution (batch norm, ReLU), down
to 1/32; a global-context gate on the deepest level (squeeze-and-excitation: a pooled summary of
the whole picture reweights the channels, so "which object is the subject" sees more than the
receptive field). Decoder: upsample, concatenate the encoder's skip, two 3x3 convolutions, up to
1/2, then a 3x3 head and a bilinear upsample to the input size. Any input whose sides are multiples
of 32 works (the export keeps height and width dynamic). Output: logits (sigmoid -> probability that
a pixel belongs to the subject).

Plain convolutions rather than MobileNet's depthwise ones: measured on this machine (torch 1.13,
2 threads, batch 16 at 256 px), a depthwise-separable encoder of 0.28 M parameters cost 13.4 CPU
seconds per training step and a plain one of 0.25 M 3.5 s: PyTorch's CPU backward of depthwise
convolutions is slow, and the training budget is CPU time.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_bn(cin, cout, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class ContextGate(nn.Module):
    """Channel reweighting from the global average (squeeze-and-excitation on the deepest level)."""

    def __init__(self, c):
        super().__init__()
        hidden = max(8, c // 4)
        self.fc = nn.Sequential(nn.Conv2d(c, hidden, 1), nn.ReLU(inplace=True), nn.Conv2d(hidden, c, 1), nn.Sigmoid())

    def forward(self, x):
        return x * self.fc(x.mean(dim=(2, 3), keepdim=True))


class SegNet(nn.Module):
    """cfg: {"channels": [c1, ..., c5]} (one per level, 1/2 ... 1/32), optionally "deep_blocks":
    extra 3x3 convolutions on the deepest level (cheap: it is 1/32 of the side)."""

    def __init__(self, cfg):
        super().__init__()
        chans = cfg["channels"]
        self.encoder = nn.ModuleList()
        c = 3
        for i, o in enumerate(chans):
            layers = [conv_bn(c, o, 2), conv_bn(o, o)]
            if i == len(chans) - 1:
                layers += [conv_bn(o, o) for _ in range(cfg.get("deep_blocks", 0))]
            self.encoder.append(nn.Sequential(*layers))
            c = o
        self.context = ContextGate(c)
        self.decoder = nn.ModuleList()
        for skip in chans[-2::-1]:
            self.decoder.append(nn.Sequential(conv_bn(c + skip, skip), conv_bn(skip, skip)))
            c = skip
        self.head = nn.Conv2d(c, 1, 3, 1, 1)

    def forward(self, x):
        h, w = x.shape[-2:]
        feats = []
        for level in self.encoder:
            x = level(x)
            feats.append(x)
        x = self.context(feats.pop())
        for block in self.decoder:
            skip = feats.pop()
            x = F.interpolate(x, size=skip.shape[-2:], mode="bilinear", align_corners=False)
            x = block(torch.cat([x, skip], dim=1))
        return F.interpolate(self.head(x), size=(h, w), mode="bilinear", align_corners=False)


def normalise(x, mean, std):
    """[B, 3, H, W] in [0, 1] -> the network's input (the manifest's mean and std)."""
    m = torch.tensor(mean, dtype=x.dtype).view(1, 3, 1, 1)
    s = torch.tensor(std, dtype=x.dtype).view(1, 3, 1, 1)
    return (x - m) / s


def ema_model(checkpoint):
    """A loaded training checkpoint's EMA weights (what validation scores and the export ships) in a
    SegNet built from its config, in eval mode."""
    model = SegNet(checkpoint["config"]["model"])
    model.load_state_dict(checkpoint["ema"])
    model.eval()
    return model
