#!/usr/bin/env python3
"""Synthetic CSV files for the lab's csv task kind (standard library only, seeded).

  make_tabular.py blobs     SEED ROWS OUT.csv   3 string classes (alpine/coastal/desert), 4 numeric features on
                                                 different scales, plus a text column (station) the lab leaves out
  make_tabular.py rings     SEED ROWS OUT.csv   3 string classes (inner/middle/outer) by the radius in 2 of 6
                                                 features (4 are noise): not linearly separable
  make_tabular.py friedman1 SEED ROWS OUT.csv   regression: Friedman #1, y = 10 sin(pi x1 x2) + 20 (x3 - 0.5)^2
                                                 + 10 x4 + 5 x5 + N(0, 1), 10 features in [0, 1] (5 are noise)

The examples under examples/lab/data come from `blobs 7` and `friedman1 7`; the PyTorch comparison of
docs/lab-csv.md uses `rings 2026` and `friedman1 2026` (data the project has not seen).
"""
import csv
import math
import random
import sys


def blobs(rng, rows):
    centers = {"alpine": (2.0, 40.0, 0.3, -1.0), "coastal": (0.5, 55.0, 0.6, 1.0), "desert": (3.5, 60.0, 0.1, 0.0)}
    scales = (0.8, 6.0, 0.12, 0.9)
    names = sorted(centers)
    header = ["station", "elevation_km", "temperature_f", "humidity", "wind", "climate"]
    out = []
    for i in range(rows):
        label = names[i % 3]
        c = centers[label]
        x = [round(rng.gauss(m, s), 4) for m, s in zip(c, scales)]
        out.append([f"st-{rng.randrange(10000):04d}"] + x + [label])
    rng.shuffle(out)
    return header, out


def rings(rng, rows):
    header = [f"x{i}" for i in range(1, 7)] + ["ring"]
    out = []
    for _ in range(rows):
        r = rng.uniform(0.0, 3.0)
        a = rng.uniform(0.0, 2 * math.pi)
        x = [r * math.cos(a) + rng.gauss(0, 0.15), r * math.sin(a) + rng.gauss(0, 0.15)] + [rng.gauss(0, 1) for _ in range(4)]
        label = "inner" if r < 1.0 else "middle" if r < 2.0 else "outer"
        out.append([round(v, 4) for v in x] + [label])
    return header, out


def friedman1(rng, rows):
    header = [f"x{i}" for i in range(1, 11)] + ["y"]
    out = []
    for _ in range(rows):
        x = [rng.random() for _ in range(10)]
        y = 10 * math.sin(math.pi * x[0] * x[1]) + 20 * (x[2] - 0.5) ** 2 + 10 * x[3] + 5 * x[4] + rng.gauss(0, 1)
        out.append([round(v, 4) for v in x] + [round(y, 4)])
    return header, out


def main():
    kind, seed, rows, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    header, data = {"blobs": blobs, "rings": rings, "friedman1": friedman1}[kind](random.Random(seed), rows)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(data)


if __name__ == "__main__":
    main()
