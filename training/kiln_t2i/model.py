"""The text-to-image DiT: caption -> the condition image (64 px RGBA, front view, canonical elevation).

Text -> 3D goes through an image, as Hunyuan3D-1 does: this model draws the view of the object that
the multi-view model takes as its condition, and the image -> 3D pipeline does the rest. It is the
multi-view model's recipe for one image: a convolutional encoder turns the noisy image into an 8x8
grid of tokens (64 tokens, not 16: there is one image, not six, and a grid this fine draws an
outline the decoder need not invent), the caption's tokens join them in one self-attention
sequence, the timestep (and the pooled caption) enters through adaLN-Zero, and a convolutional
decoder with skip connections draws the pixels. It predicts the clean image (x-prediction; see
kiln_mv/model.py for why, at this width and budget).

Split for export: `TextEncoder` runs once per generation, `Denoiser` once per step.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from kiln_mv.model import ConvDecoder, ConvEncoder, DiTBlock, timestep_embedding

# Four channels, as the multi-view model's condition image: premultiplied RGB and alpha, in [-1, 1].
CHANNELS = 4


class TextEncoder(nn.Module):
    """Caption ids [B, L] -> context [B, L, d]. An absent caption is all [PAD] ids: what
    classifier-free guidance's unconditional branch feeds and caption dropout trains."""

    def __init__(self, cfg):
        super().__init__()
        d = cfg["width"]
        self.embed = nn.Embedding(cfg["vocab_size"], d)
        self.pos = nn.Parameter(torch.randn(cfg["text_len"], d) * 0.02)
        layer = nn.TransformerEncoderLayer(d, cfg["heads"], 2 * d, dropout=0.0, batch_first=True, norm_first=True)
        self.text = nn.TransformerEncoder(layer, cfg["text_layers"])
        self.kind = nn.Parameter(torch.randn(1, 1, d) * 0.02)

    def forward(self, tokens):
        return self.text(self.embed(tokens) + self.pos) + self.kind


class Denoiser(nn.Module):
    """(x_t [B, 4, S, S], t [B], context [B, L, d]) -> x0 prediction [B, 4, S, S]."""

    def __init__(self, cfg):
        super().__init__()
        d = cfg["width"]
        patch = cfg.get("patch", 1)
        self.enc = ConvEncoder(CHANNELS, cfg["conv_channels"], d, patch)
        self.dec = ConvDecoder(CHANNELS, cfg["conv_channels"], d, patch)
        grid = cfg["image_size"] // 8 // patch
        self.pos = nn.Parameter(torch.randn(1, grid * grid, d) * 0.02)
        self.t_mlp = nn.Sequential(nn.Linear(d, d), nn.SiLU(), nn.Linear(d, d))
        self.ctx_pool = nn.Linear(d, d)
        self.blocks = nn.ModuleList([DiTBlock(d, cfg["heads"]) for _ in range(cfg["layers"])])
        self.norm = nn.LayerNorm(d, elementwise_affine=False, eps=1e-6)
        self.final_ada = nn.Linear(d, 2 * d)
        nn.init.zeros_(self.final_ada.weight)
        nn.init.zeros_(self.final_ada.bias)
        self.d = d

    def forward(self, x, t, context):
        tok, skips = self.enc(x)
        n = tok.shape[1]
        tok = tok + self.pos
        # The pooled caption also modulates every block: the cheapest path from the words to the
        # whole image (colour, size), which attention alone learns more slowly.
        c = self.t_mlp(timestep_embedding(t, self.d)) + self.ctx_pool(context.mean(dim=1))
        h = torch.cat([tok, context], dim=1)
        for blk in self.blocks:
            h = blk(h, c)
        sh, sc = self.final_ada(F.silu(c))[:, None].chunk(2, dim=-1)
        h = self.norm(h[:, :n]) * (1 + sc) + sh
        return self.dec(h, skips)


class TextToImageDiT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.text = TextEncoder(cfg)
        self.denoiser = Denoiser(cfg)

    def forward(self, x, t, tokens):
        return self.denoiser(x, t, self.text(tokens))
