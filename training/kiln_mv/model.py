"""The multi-view DiT.

All six views are denoised together: each noisy view goes through a small convolutional encoder to a
4x4 grid of tokens (8x8 with `patch: 1`), the 96 (384) view tokens and the condition tokens (16 from
the condition image, one per caption token) share one self-attention sequence, so views attend to
each other and to the condition (the reference-attention idea of Hunyuan3D-1 and Zero123++),
timestep conditioning enters through adaLN-Zero, and a convolutional decoder with skip connections
from the encoder draws the pixels.
The model predicts the clean views (x-prediction): with patch tokens far wider than the network,
predicting noise or velocity leaves per-pixel noise the tokens cannot carry.

Split for export: `ConditionEncoder` runs once per generation, `Denoiser` once per step.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def block(cin, cout, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1), nn.GroupNorm(8, cout), nn.SiLU())


class ConvEncoder(nn.Module):
    """[B, C, 64, 64] -> tokens [B, (8 / patch)^2, d] and skip features at 64, 32, 16, 8 px.

    `patch` is the token size on the 8-px feature grid: 2 gives 16 tokens (the multi-view model's default),
    1 gives 64 (the text-to-image model, whose one image can afford more tokens)."""

    def __init__(self, cin, chans, d, patch=2):
        super().__init__()
        c0, c1, c2, c3 = chans
        self.s0 = block(cin, c0, 1)
        self.s1 = block(c0, c1, 2)
        self.s2 = block(c1, c2, 2)
        self.s3 = block(c2, c3, 2)
        self.patch = nn.Conv2d(c3, d, patch, patch)

    def forward(self, x):
        f0 = self.s0(x)
        f1 = self.s1(f0)
        f2 = self.s2(f1)
        f3 = self.s3(f2)
        tok = self.patch(f3).flatten(2).transpose(1, 2)
        return tok, (f0, f1, f2, f3)


class ConvDecoder(nn.Module):
    """Tokens [B, (8 / patch)^2, d] + skips -> [B, cout, 64, 64] (`patch` as in ConvEncoder)."""

    def __init__(self, cout, chans, d, patch=2):
        super().__init__()
        c0, c1, c2, c3 = chans
        self.unpatch = nn.ConvTranspose2d(d, c3, patch, patch)
        self.u3 = block(2 * c3, c2, 1)
        self.u2 = block(2 * c2, c1, 1)
        self.u1 = block(2 * c1, c0, 1)
        self.u0 = block(2 * c0, c0, 1)
        self.out = nn.Conv2d(c0, cout, 3, 1, 1)

    def forward(self, tok, skips):
        f0, f1, f2, f3 = skips
        b, n, d = tok.shape
        g = int(math.isqrt(n))
        h = self.unpatch(tok.transpose(1, 2).reshape(b, d, g, g))
        h = self.u3(torch.cat([h, f3], 1))
        h = F.interpolate(h, scale_factor=2.0, mode="nearest")
        h = self.u2(torch.cat([h, f2], 1))
        h = F.interpolate(h, scale_factor=2.0, mode="nearest")
        h = self.u1(torch.cat([h, f1], 1))
        h = F.interpolate(h, scale_factor=2.0, mode="nearest")
        h = self.u0(torch.cat([h, f0], 1))
        return self.out(h)


def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(1000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t[:, None].float() * freqs[None] * 1000.0
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class DiTBlock(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.n1 = nn.LayerNorm(d, elementwise_affine=False, eps=1e-6)
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.n2 = nn.LayerNorm(d, elementwise_affine=False, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
        self.ada = nn.Linear(d, 6 * d)
        nn.init.zeros_(self.ada.weight)
        nn.init.zeros_(self.ada.bias)

    def forward(self, x, c):
        s1, b1, g1, s2, b2, g2 = self.ada(F.silu(c))[:, None].chunk(6, dim=-1)
        h = self.n1(x) * (1 + s1) + b1
        x = x + g1 * self.attn(h, h, h, need_weights=False)[0]
        h = self.n2(x) * (1 + s2) + b2
        return x + g2 * self.mlp(h)


class ConditionEncoder(nn.Module):
    """Condition image [B, 4, S, S] (+ a 0/1 flag per sample) and caption ids [B, L] -> context [B, 16 + L, d].

    An absent image (flag 0) becomes learned null tokens; an absent caption is all [PAD], which the
    model learns as "no text". Both absences are what classifier-free guidance's unconditional branch feeds.
    """

    def __init__(self, cfg):
        super().__init__()
        d = cfg["width"]
        self.image = ConvEncoder(4, cfg["conv_channels"], d)
        self.image_pos = nn.Parameter(torch.randn(16, d) * 0.02)
        self.image_null = nn.Parameter(torch.randn(16, d) * 0.02)
        self.embed = nn.Embedding(cfg["vocab_size"], d)
        self.text_pos = nn.Parameter(torch.randn(cfg["text_len"], d) * 0.02)
        layer = nn.TransformerEncoderLayer(d, cfg["heads"], 2 * d, dropout=0.0, batch_first=True, norm_first=True)
        self.text = nn.TransformerEncoder(layer, cfg["text_layers"])
        self.kind = nn.Parameter(torch.randn(2, d) * 0.02)

    def forward(self, image, image_mask, tokens):
        tok, _ = self.image(image)
        m = image_mask[:, None, None]
        img = m * (tok + self.image_pos) + (1 - m) * self.image_null
        txt = self.text(self.embed(tokens) + self.text_pos)
        return torch.cat([img + self.kind[0], txt + self.kind[1]], dim=1)


class Denoiser(nn.Module):
    """(x_t [B, V, 5, 64, 64], t [B], context [B, K, d], image [B, 4, S, S]) -> x0 prediction [B, V, 5, 64, 64].

    Besides attending to the condition tokens, every view sees the condition image itself as four
    extra input channels (zeros when there is none: the unconditional branch). Attention alone
    left the first CPU run ignoring the condition after 900 steps; a per-pixel path is learned in
    a few hundred, and the rig's first view (azimuth 0) is nearly the condition view.
    """

    def __init__(self, cfg):
        super().__init__()
        d = cfg["width"]
        self.views = cfg["views"]
        self.pixel_condition = cfg.get("pixel_condition", False)
        # patch 2: 16 tokens per view (a 4x4 grid); patch 1: 64 (8x8), so a view's silhouette is
        # carried at twice the resolution through the attention that relates the views.
        patch = cfg.get("patch", 2)
        self.enc = ConvEncoder(9 if self.pixel_condition else 5, cfg["conv_channels"], d, patch)
        self.dec = ConvDecoder(5, cfg["conv_channels"], d, patch)
        self.view_emb = nn.Parameter(torch.randn(cfg["views"], 1, d) * 0.02)
        self.pos = nn.Parameter(torch.randn(1, (8 // patch) ** 2, d) * 0.02)
        self.t_mlp = nn.Sequential(nn.Linear(d, d), nn.SiLU(), nn.Linear(d, d))
        self.ctx_pool = nn.Linear(d, d)
        self.blocks = nn.ModuleList([DiTBlock(d, cfg["heads"]) for _ in range(cfg["layers"])])
        self.norm = nn.LayerNorm(d, elementwise_affine=False, eps=1e-6)
        self.final_ada = nn.Linear(d, 2 * d)
        nn.init.zeros_(self.final_ada.weight)
        nn.init.zeros_(self.final_ada.bias)
        self.d = d

    def forward(self, x, t, context, image=None):
        b, v, ch, hgt, wid = x.shape
        inp = x
        if self.pixel_condition:
            if image.shape[-1] != wid:
                image = F.interpolate(image, size=(hgt, wid), mode="bilinear", align_corners=False)
            inp = torch.cat([x, image[:, None].expand(b, v, 4, hgt, wid)], dim=2)
        tok, skips = self.enc(inp.reshape(b * v, inp.shape[2], hgt, wid))
        n = tok.shape[1]
        tok = (tok.reshape(b, v, n, self.d) + self.view_emb + self.pos).reshape(b, v * n, self.d)
        c = self.t_mlp(timestep_embedding(t, self.d)) + self.ctx_pool(context.mean(dim=1))
        h = torch.cat([tok, context], dim=1)
        for blk in self.blocks:
            h = blk(h, c)
        sh, sc = self.final_ada(F.silu(c))[:, None].chunk(2, dim=-1)
        h = self.norm(h[:, : v * n]) * (1 + sc) + sh
        out = self.dec(h.reshape(b * v, n, self.d), skips)
        # The skip path lets the network pass x_t through; at high noise it must learn to ignore it.
        return out.reshape(b, v, ch, hgt, wid)


class MultiViewDiT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cond = ConditionEncoder(cfg)
        self.denoiser = Denoiser(cfg)

    def forward(self, x, t, image, image_mask, tokens):
        # An absent image is zeros on the pixel path (condition_batch zeroes dropped images).
        return self.denoiser(x, t, self.cond(image, image_mask, tokens), image * image_mask[:, None, None, None])
