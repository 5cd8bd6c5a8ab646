# PyTorch equivalent of examples/LabFromCode (docs/conveniences.md compares their line counts): SGD, Adam and AdamW on
# one model and dataset over three seeds, reporting the final validation F1's mean and standard deviation. It has no
# confidence interval, significance test, divergence handling, steps-to-target or verdict, which the lab adds.
import statistics

import torch
from torch import nn
from sklearn.metrics import f1_score

x_train, y_train, x_val, y_val = spirals(points=600, seed=7)  # the same data, defined as in the C# example


def build(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 2))


optimizers = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
    "adam": lambda p: torch.optim.Adam(p, lr=0.01),
    "adamw": lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.01),
}
for name, make in optimizers.items():
    scores = []
    for seed in [1, 2, 3]:
        model = build(seed)
        optimizer = make(model.parameters())
        generator = torch.Generator().manual_seed(seed)
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train), batch_size=32, shuffle=True, generator=generator)
        for epoch in range(30):
            model.train()
            for xb, yb in loader:
                optimizer.zero_grad()
                nn.functional.cross_entropy(model(xb), yb).backward()
                optimizer.step()
        model.eval()
        with torch.no_grad():
            scores.append(f1_score(y_val, model(x_val).argmax(1), average="macro"))
    print(f"{name:6} final val_f1 {statistics.mean(scores):.3f} ± {statistics.stdev(scores):.3f}")
