"""Writes fruit_train.csv and fruit_test.csv: a synthetic three-class table with a string label column.

Each class draws its four measurements from its own Gaussian (seeded, so the files are reproducible), with enough
overlap that no classifier is perfect. Run: python3 make_data.py
"""
import random

CLASSES = {
    "apple": (150, 7.5, 7.0, 12.0),
    "lemon": (120, 8.0, 5.5, 3.0),
    "pear": (170, 9.5, 6.5, 10.0),
}
SPREAD = (25, 0.9, 0.7, 2.5)


def write(path, rows_per_class, rng):
    rows = []
    for name, means in CLASSES.items():
        for _ in range(rows_per_class):
            weight, length, width, sugar = (rng.gauss(m, s) for m, s in zip(means, SPREAD))
            rows.append(f"{weight:.1f},{length:.2f},{width:.2f},{sugar:.2f},{name}")
    rng.shuffle(rows)
    with open(path, "w") as f:
        f.write("weight_g,length_cm,width_cm,sugar_pct,fruit\n" + "\n".join(rows) + "\n")


rng = random.Random(14)
write("fruit_train.csv", 100, rng)
write("fruit_test.csv", 40, rng)
