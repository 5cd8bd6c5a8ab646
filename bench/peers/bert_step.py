#!/usr/bin/python3
"""Descent bert-suite peer: one full fine-tuning step of a MiniLM-shaped BERT classifier in PyTorch.

The same structure as the Descent side (bench/Descent.Bench/BertSuite.cs): 6 layers, hidden 384, 12 heads,
feed-forward 1,536 (exact GELU), vocabulary 30,522, 512 positions, 2 token types, LayerNorm eps 1e-12, dropout 0.1
(hidden and attention), masked-mean pooling, dropout 0.1 and a 2-class linear head; random initialization (torch.nn
defaults), batch 16 x 128 random token ids, cross-entropy, AdamW (lr 2e-5). Built from torch.nn only (no
transformers package), run with 2 threads (--threads) by /usr/bin/python3 with OPENBLAS_CORETYPE /
OPENBLAS_L2_SIZE unset. Prints one JSON object on its last line: step_best_ms, step_median_ms, torch, threads, blas.

Usage: bert_step.py [--quick] [--threads N] [--batch B] [--length S]
"""
import json
import math
import os
import sys

# peer.py's helpers: beside this file in the bench's output folder, or in the source tree.
_here = os.path.dirname(os.path.abspath(__file__))
sys.path[0:0] = [_here, os.path.join(_here, "..", "Descent.Bench", "peers")]
from peer import arg, best_median, blas_info  # noqa: E402


def build(torch, nn):
    vocab, positions, types = 30522, 512, 2
    hidden, heads, intermediate, layers = 384, 12, 1536, 6
    eps, drop = 1e-12, 0.1

    class SelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.query = nn.Linear(hidden, hidden)
            self.key = nn.Linear(hidden, hidden)
            self.value = nn.Linear(hidden, hidden)
            self.dropout = nn.Dropout(drop)
            self.d = hidden // heads

        def forward(self, x, bias):
            b, s, _ = x.shape
            q = self.query(x).view(b, s, heads, self.d).permute(0, 2, 1, 3)
            k = self.key(x).view(b, s, heads, self.d).permute(0, 2, 3, 1)
            v = self.value(x).view(b, s, heads, self.d).permute(0, 2, 1, 3)
            scores = torch.matmul(q, k) / math.sqrt(self.d) + bias
            probs = self.dropout(torch.softmax(scores, dim=-1))
            return torch.matmul(probs, v).permute(0, 2, 1, 3).reshape(b, s, hidden)

    class ResidualOutput(nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.dense = nn.Linear(inner, hidden)
            self.LayerNorm = nn.LayerNorm(hidden, eps=eps)
            self.dropout = nn.Dropout(drop)

        def forward(self, x, residual):
            return self.LayerNorm(self.dropout(self.dense(x)) + residual)

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.attention = SelfAttention()
            self.attention_output = ResidualOutput(hidden)
            self.intermediate = nn.Linear(hidden, intermediate)
            self.output = ResidualOutput(intermediate)

        def forward(self, x, bias):
            a = self.attention_output(self.attention(x, bias), x)
            return self.output(nn.functional.gelu(self.intermediate(a)), a)

    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.word = nn.Embedding(vocab, hidden)
            self.position = nn.Embedding(positions, hidden)
            self.token_type = nn.Embedding(types, hidden)
            self.LayerNorm = nn.LayerNorm(hidden, eps=eps)
            self.dropout = nn.Dropout(drop)
            self.layers = nn.ModuleList([Layer() for _ in range(layers)])
            self.pooler = nn.Linear(hidden, hidden)  # BERT's [CLS] pooler: a parameter, unused by the classifier
            self.head_dropout = nn.Dropout(drop)
            self.classifier = nn.Linear(hidden, 2)

        def forward(self, ids, mask):
            b, s = ids.shape
            pos = torch.arange(s).unsqueeze(0)
            x = self.dropout(self.LayerNorm(self.word(ids) + self.token_type(torch.zeros_like(ids)) + self.position(pos)))
            bias = ((1.0 - mask) * -10000.0).view(b, 1, 1, s)
            for layer in self.layers:
                x = layer(x, bias)
            m = mask.unsqueeze(-1)
            pooled = (x * m).sum(1) / m.sum(1)
            return self.classifier(self.head_dropout(pooled))

    return Classifier()


def main():
    quick = "--quick" in sys.argv
    threads = int(arg("--threads", "2"))
    batch = int(arg("--batch", "16"))
    length = int(arg("--length", "128"))
    import torch
    import torch.nn as nn
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = build(torch, nn)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=2e-5)
    loss_fn = nn.CrossEntropyLoss()
    ids = torch.randint(1000, 21000, (batch, length))
    mask = torch.ones(batch, length)
    labels = torch.arange(batch) % 2

    def step():
        opt.zero_grad()
        loss_fn(model(ids, mask), labels).backward()
        opt.step()

    best, median = best_median(step, 1, 3 if quick else 5, 20.0 if quick else 60.0)
    out = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": blas_info(),
        "parameters": sum(p.numel() for p in model.parameters()),
        "step_best_ms": best * 1e3,
        "step_median_ms": median * 1e3,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
