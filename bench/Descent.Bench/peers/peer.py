#!/usr/bin/python3
"""Descent benchmark peer: the same cases as bench/Descent.Bench, in PyTorch / numpy (OpenBLAS).

Prints one JSON object on its last line. Run by the bench with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset.
Usage: peer.py gemm|gemm-shapes|optim|train [--quick] [--sizes a,b,c] [--cases ...] [--digits DIR --fits N]
"""
import json
import os
import sys
import time


def blas_info():
    try:
        from threadpoolctl import threadpool_info
        for pool in threadpool_info():
            if pool.get("internal_api") == "openblas":
                return "OpenBLAS %s %s, %s threads" % (pool.get("version"), pool.get("architecture"), pool.get("num_threads"))
        return "BLAS: " + ", ".join("%s %s" % (p.get("internal_api"), p.get("version")) for p in threadpool_info())
    except Exception as exc:  # threadpoolctl missing: fall back to numpy's build config
        try:
            import numpy
            cfg = numpy.__config__.get_info("openblas_info") if hasattr(numpy.__config__, "get_info") else {}
            return "OpenBLAS (kernel unknown: %s)" % (cfg.get("libraries", exc),)
        except Exception:
            return "BLAS unknown"


def best_median(fn, warmup, reps, budget):
    for _ in range(warmup):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < reps and (len(times) < 3 or time.perf_counter() - start < budget):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[0], times[len(times) // 2]


def arg(name, default):
    if name in sys.argv:
        return sys.argv[sys.argv.index(name) + 1]
    return default


def gemm(quick):
    import numpy as np
    sizes = [int(s) for s in arg("--sizes", "256,512,1024,2048").split(",")]
    out = {"numpy": np.__version__, "blas": blas_info(), "budget": 0}
    rng = np.random.default_rng(0)
    forms = arg("--forms", "nn").split(",")
    for n in sizes:
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        c = np.empty((n, n), dtype=np.float32)
        reps = max(20, int((2e9 if quick else 8e9) / (2.0 * n ** 3)))
        for form in forms:
            # Transposed views: numpy hands them to sgemm with the transpose flag (no copy).
            x = a.T if form[0] == "t" else a
            y = b.T if form[1] == "t" else b
            best, _ = best_median(lambda: np.matmul(x, y, out=c), max(2, reps // 4), reps, 1.0 if quick else 4.0)
            key = "gemm_%d" % n if form == "nn" else "gemm_%s_%d" % (form, n)
            out[key] = 2.0 * n ** 3 / best / 1e9
    return out


def gemm_shapes(quick):
    """GFLOP/s of the products at given shapes: --cases "key:form:batch:m:n:k;..." (form nn/nt/tn as in `gemm`;
    batch > 1 multiplies `batch` independent pairs with one stacked np.matmul, as a batched matmul would)."""
    import numpy as np
    out = {"numpy": np.__version__, "blas": blas_info()}
    rng = np.random.default_rng(0)
    for case in arg("--cases", "").split(";"):
        if not case:
            continue
        key, form, batch, m, n, k = case.split(":")
        batch, m, n, k = int(batch), int(m), int(n), int(k)
        a = rng.standard_normal((batch, k, m) if form[0] == "t" else (batch, m, k), dtype=np.float32)
        b = rng.standard_normal((batch, n, k) if form[1] == "t" else (batch, k, n), dtype=np.float32)
        x = a.transpose(0, 2, 1) if form[0] == "t" else a
        y = b.transpose(0, 2, 1) if form[1] == "t" else b
        if batch == 1:
            x, y = x[0], y[0]
        c = np.empty((batch, m, n) if batch > 1 else (m, n), dtype=np.float32)
        flops = 2.0 * batch * m * n * k
        reps = max(20, int((2e9 if quick else 8e9) / flops))
        best, _ = best_median(lambda: np.matmul(x, y, out=c), max(2, reps // 4), reps, 1.0 if quick else 4.0)
        out[key] = flops / best / 1e9
    return out


def optim(quick):
    import torch
    sizes = [int(s) for s in arg("--sizes", "1048576,16777216,67108864").split(",")]
    steps = int(arg("--steps", "10" if quick else "30"))
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(),
           "malloc_tuned": "MALLOC_MMAP_THRESHOLD_" in os.environ}
    torch.manual_seed(0)
    for size in sizes:
        per = size // 16
        for name in ("sgd", "adam", "adamw"):
            params = [torch.nn.Parameter(torch.randn(per)) for _ in range(16)]
            for p in params:
                p.grad = torch.randn(per)
            if name == "sgd":
                opt = torch.optim.SGD(params, lr=1e-3, momentum=0.9)
            elif name == "adam":
                opt = torch.optim.Adam(params, lr=1e-3)
            else:
                opt = torch.optim.AdamW(params, lr=1e-3)
            best, median = best_median(opt.step, 2, steps, 3.0 if quick else 10.0)
            out["%s_%d_best" % (name, size)] = best * 1e3
            out["%s_%d_median" % (name, size)] = median * 1e3
            del opt, params
    return out


def train(quick):
    import torch
    import torch.nn as nn
    torch.manual_seed(0)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_info()}
    blocks = 6 if quick else 10  # as the Descent side

    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(128, 784)
    y = torch.randint(0, 10, (128,))

    def mlp_steps(k):
        def run():
            for _ in range(k):
                opt.zero_grad()
                loss = loss_fn(model(x), y)
                loss.backward()
                opt.step()
        return run
    k = 10 if quick else 30
    best, _ = best_median(mlp_steps(k), 1, blocks, 5.0 if quick else 20.0)
    out["mlp_samples_per_s"] = 128 * k / best

    tiny = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1))
    opt2 = torch.optim.Adam(tiny.parameters(), lr=1e-3)
    mse = nn.MSELoss()
    xt = torch.randn(256, 2)
    yt = torch.randn(256, 1)

    def tiny_steps(k):
        def run():
            for _ in range(k):
                opt2.zero_grad()
                loss = mse(tiny(xt), yt)
                loss.backward()
                opt2.step()
        return run
    k = 200 if quick else 1000
    tiny_blocks = 15 if quick else 30  # as the Descent side: more, shorter blocks on a shared machine
    best, _ = best_median(tiny_steps(k), 1, tiny_blocks, 5.0 if quick else 20.0)
    out["tiny_steps_per_s"] = k / best

    digits = arg("--digits", None)
    if digits is not None:
        sklearn_digits(out, digits, int(arg("--fits", "3")))
    return out


def sklearn_digits(out, directory, fits):
    """The lab's scikit-learn reference (examples/lab/sklearn-reference.json): MLPClassifier, 64 ReLU units,
    batch 200, alpha 1e-4, exactly 200 epochs (no early stop), seed 0, on the same CSV files as Descent;
    best wall time of `fits` fits after one warm-up fit, in ms per epoch."""
    try:
        import warnings
        import numpy as np
        import sklearn
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
    except ImportError as exc:
        out["sklearn_error"] = "scikit-learn not installed (%s): sudo apt-get install python3-sklearn" % exc
        return
    out["sklearn"] = sklearn.__version__
    train = np.loadtxt(os.path.join(directory, "digits_train.csv"), delimiter=",", dtype=np.float64)
    test = np.loadtxt(os.path.join(directory, "digits_test.csv"), delimiter=",", dtype=np.float64)
    x, y = train[:, 1:] / 16.0, train[:, 0].astype(int)
    xt, yt = test[:, 1:] / 16.0, test[:, 0].astype(int)
    epochs = 200
    solvers = {
        "sgd": dict(solver="sgd", momentum=0.9, nesterovs_momentum=True, learning_rate_init=0.01),
        "adam": dict(solver="adam", learning_rate_init=0.001, epsilon=1e-8),
    }
    for name, kw in solvers.items():
        best, acc, iters = float("inf"), None, None
        for i in range(fits + 1):
            clf = MLPClassifier(hidden_layer_sizes=(64,), activation="relu", alpha=1e-4, batch_size=200,
                                max_iter=epochs, tol=0.0, n_iter_no_change=10 ** 9, shuffle=True,
                                random_state=0, **kw)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                t = time.perf_counter()
                clf.fit(x, y)
                elapsed = time.perf_counter() - t
            if i > 0:
                best = min(best, elapsed)
            acc, iters = clf.score(xt, yt), clf.n_iter_
        out["sklearn_%s_ms_per_epoch" % name] = best * 1e3 / iters
        out["sklearn_%s_accuracy" % name] = acc
        out["sklearn_%s_epochs" % name] = iters


def main():
    suite = sys.argv[1]
    quick = "--quick" in sys.argv
    result = {"gemm": gemm, "gemm-shapes": gemm_shapes, "optim": optim, "train": train}[suite](quick)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
