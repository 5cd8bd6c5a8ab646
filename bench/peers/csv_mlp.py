#!/usr/bin/env python3
"""The PyTorch peer of the lab's `csv` task: reads the same spec JSON and trains the same MLP on the same files.

  /usr/bin/python3 bench/peers/csv_mlp.py SPEC.json [--descent OUT_DIR] [--threads N]

Same data handling as Descent's csv kind: a header line; features = the named columns, or every other column holding
numbers; class labels sorted (numerically when all are numbers, else as text); standardization with the training
rows' mean and population std (a constant column gets std 1); the validation file, or validation_fraction of the
training rows held out per seed (stratified for classification; the rows differ from Descent's split, the share is
the same). Same model: torch.nn.Sequential(Linear, activation[, Dropout], ..., Linear) with PyTorch's default
initialization from torch.manual_seed(seed). Same training: the spec's epochs, batch size, per-epoch shuffling, and
each optimizer entry (sgd, adam, adamw; lr may be a list: a grid) with its hyperparameters; cross-entropy or MSE.

Prints, per configuration, the final-epoch validation metrics averaged over the spec's seeds; with --descent, also
Descent's (from OUT_DIR/metrics.csv written by `descent compare`) side by side as a Markdown table.
"""
import argparse
import csv
import itertools
import json
import math
import os
import statistics
import sys

import torch
import torch.nn as nn


def read_csv(path):
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(f) if any(c.strip() for c in r)]
    return [h.strip() for h in rows[0]], [[c.strip() for c in r] for r in rows[1:]]


def number(text):
    try:
        v = float(text)
        return None if math.isnan(v) else v
    except ValueError:
        return None


def sort_classes(labels):
    distinct = sorted(set(labels))
    values = [number(l) for l in distinct]
    return sorted(distinct, key=lambda l: (number(l), l)) if all(v is not None for v in values) else distinct


def load(task, base):
    header, rows = read_csv(os.path.join(base, task["train"]))
    target = header.index(task["target"])
    if "features" in task:
        cols = [header.index(f) for f in task["features"]]
    else:
        cols = [c for c in range(len(header)) if c != target and any(number(r[c]) is not None for r in rows)]
    regression = task.get("problem", "classification") == "regression"

    def frame(rows, classes):
        x = torch.tensor([[float(r[c]) for c in cols] for r in rows], dtype=torch.float32)
        if regression:
            y = torch.tensor([[float(r[target])] for r in rows], dtype=torch.float32)
        else:
            y = torch.tensor([classes.index(r[target]) for r in rows], dtype=torch.long)
        return x, y

    classes = None if regression else sort_classes([r[target] for r in rows])
    train = frame(rows, classes)
    validation = None
    if "validation" in task:
        _, vrows = read_csv(os.path.join(base, task["validation"]))
        validation = frame(vrows, classes)
    return train, validation, classes, regression


def split(x, y, fraction, seed, stratify):
    g = torch.Generator().manual_seed(seed)
    is_val = torch.zeros(len(x), dtype=torch.bool)
    groups = [torch.nonzero(y == c).flatten() for c in torch.unique(y)] if stratify else [torch.arange(len(x))]
    for idx in groups:
        idx = idx[torch.randperm(len(idx), generator=g)]
        take = int(math.floor(fraction * len(idx) + 0.5))
        is_val[idx[:take]] = True
    return (x[~is_val], y[~is_val]), (x[is_val], y[is_val])


def model_for(spec_model, inputs, outputs):
    hidden = spec_model.get("hidden", [64])
    act = {"relu": nn.ReLU, "tanh": nn.Tanh, "gelu": nn.GELU, "sigmoid": nn.Sigmoid}[spec_model.get("activation", "relu")]
    dropout = spec_model.get("dropout", 0.0)
    layers, width = [], inputs
    for h in hidden:
        layers += [nn.Linear(width, h), act()] + ([nn.Dropout(dropout)] if dropout > 0 else [])
        width = h
    return nn.Sequential(*layers, nn.Linear(width, outputs))


def configurations(optimizers):
    for o in optimizers:
        o = dict(o)
        name, label = o.pop("name"), o.pop("label", None)
        lrs = o.pop("lr")
        for lr in (lrs if isinstance(lrs, list) else [lrs]):
            yield label or name, name, lr, o


def optimizer_for(name, params, lr, h):
    h = dict(h)
    if "betas" in h:
        h["betas"] = tuple(h["betas"])
    return {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[name](params, lr=lr, **h)


def macro_f1(truth, predicted, classes):
    scores = []
    for c in range(classes):
        tp = int(((truth == c) & (predicted == c)).sum())
        fp = int(((truth != c) & (predicted == c)).sum())
        fn = int(((truth == c) & (predicted != c)).sum())
        if tp + fp + fn > 0:
            scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores)


def run(spec, base, name, lr, h, seed):
    task = spec["task"]
    (x, y), validation, classes, regression = load(task, base)
    if validation is None:
        (x, y), validation = split(x, y, task.get("validation_fraction", 0.2), seed, not regression)
    vx, vy = validation
    if task.get("standardize", True):
        mean, std = x.mean(0), x.std(0, unbiased=False)
        std = torch.where(std > 1e-12, std, torch.ones_like(std))
        x, vx = (x - mean) / std, (vx - mean) / std
    torch.manual_seed(seed)
    model = model_for(task.get("model", {}), x.shape[1], 1 if regression else len(classes))
    opt = optimizer_for(name, model.parameters(), lr, h)
    loss_fn = nn.MSELoss() if regression else nn.CrossEntropyLoss()
    batch = min(task.get("batch_size", 64), len(x))
    budget = spec["budget"]
    per_epoch = math.ceil(len(x) / batch)
    epochs = budget.get("epochs") or math.ceil(budget["steps"] / per_epoch)
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(x), generator=g)
        for b in range(per_epoch):
            i = order[b * batch:(b + 1) * batch]
            opt.zero_grad()
            loss = loss_fn(model(x[i]), y[i])
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        out = model(vx)
        if regression:
            mse = float(loss_fn(out, vy))
            return {"val_loss": mse, "val_rmse": math.sqrt(mse)}
        predicted = out.argmax(1)
        return {"val_loss": float(loss_fn(out, vy)), "val_accuracy": float((predicted == vy).float().mean()),
                "val_macro_f1": macro_f1(vy, predicted, len(classes))}


def descent_results(out_dir):
    """Final-epoch value of every metric of every run, from descent compare's metrics.csv: {(label, run_key, seed): {...}}."""
    last = {}
    with open(os.path.join(out_dir, "metrics.csv"), newline="") as f:
        for r in csv.DictReader(f):
            if r["kind"] == "epoch":
                key = (r["run_key"].split("#seed=")[0], r["name"])
                last.setdefault(key, {})[r["seed"]] = (int(r["epoch"]), float(r["value"]))
    means = {}
    for (config, metric), seeds in last.items():
        means.setdefault(config, {})[metric] = statistics.mean(v for _, v in seeds.values())
    return means


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("spec")
    p.add_argument("--descent", help="descent compare's output folder for the same spec")
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    with open(a.spec) as f:
        spec = json.load(f)
    base = os.path.dirname(os.path.abspath(a.spec))
    regression = spec["task"].get("problem", "classification") == "regression"
    metrics = ["val_rmse"] if regression else ["val_accuracy", "val_macro_f1"]
    seeds = spec.get("seeds", [0])
    theirs = descent_results(a.descent) if a.descent else None
    print(f"| {spec['name']} | " + " | ".join(f"PyTorch {torch.__version__} {m}" + (f" | Descent {m}" if theirs else "") for m in metrics) + " |")
    print("|---|" + "---|" * (len(metrics) * (2 if theirs else 1)))
    for index, (label, name, lr, h) in enumerate(configurations(spec["optimizers"])):
        results = [run(spec, base, name, lr, h, s) for s in seeds]
        desc = " ".join(f"{k}={v}" for k, v in [("lr", lr)] + sorted(h.items()))
        cells = []
        for m in metrics:
            cells.append(f"{statistics.mean(r[m] for r in results):.4f}")
            if theirs:
                mine = next((v for k, v in theirs.items() if k.startswith(f"{index}:")), {})
                cells.append(f"{mine.get(m, float('nan')):.4f}")
        print(f"| {label} ({desc}) | " + " | ".join(cells) + " |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
