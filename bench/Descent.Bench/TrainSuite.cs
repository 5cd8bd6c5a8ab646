using Descent.Autodiff;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Optimizers;

namespace Descent.Bench;

/// <summary>
/// End-to-end training throughput: an MLP 784-512-512-10 (ReLU), batch 128, cross-entropy, Adam (samples/s),
/// and the article's 2-16-1 tanh MLP, batch 256, MSE, Adam (steps/s: per-step overhead). Peer: PyTorch.
/// Then the lab's scikit-learn reference fit (digits MLP 64-64-10, ms/epoch, see <see cref="DigitsReference"/>);
/// peer: scikit-learn's MLPClassifier.
/// </summary>
/// <remarks>Descent's steps run inside a <see cref="Workspace"/> scope (intermediates reused, as a training
/// loop should), and each case warms up for a fixed time first so that the JIT has finished tiering up: the
/// figure is steady-state throughput, as the peers' (compiled C++ / numpy) is.</remarks>
internal static class TrainSuite
{
    public static List<BenchRow> Run(bool quick, Action<string> log)
    {
        var blocks = quick ? 6 : 10; // best of these many blocks, on both sides (the machine may be shared)
        var budget = TimeSpan.FromSeconds(quick ? 5 : 20);
        var warmupTime = TimeSpan.FromSeconds(quick ? 1.5 : 3);
        var workspace = new Workspace();

        var rng = new Rng(0);
        var mlp = new Sequential(new Linear(784, 512, rng), new Relu(), new Linear(512, 512, rng), new Relu(), new Linear(512, 10, rng));
        ParameterArena.Flatten(mlp);
        var adam = new Adam(mlp.Parameters(), new AdamOptions { LearningRate = 1e-3 });
        var ce = new CrossEntropyLoss();
        var x = Tensor.Normal(rng, 0, 1, 128, 784);
        var y = Enumerable.Range(0, 128).Select(_ => rng.NextInt(10)).ToArray();
        var k = quick ? 10 : 30;
        for (var i = 0; i < 3; i++)
        {
            var probe = System.Diagnostics.Stopwatch.StartNew();
            using var scope = workspace.Begin();
            adam.ZeroGrad();
            var logits = mlp.Forward(x);
            var tForward = probe.Elapsed.TotalMilliseconds;
            var l = ce.Forward(logits, y);
            l.Backward();
            var tBackward = probe.Elapsed.TotalMilliseconds;
            adam.Step();
            log($"MLP step phases: forward {tForward:F2} ms, +loss+backward {tBackward - tForward:F2} ms, +step {probe.Elapsed.TotalMilliseconds - tBackward:F2} ms");
        }
        var (best, _) = Measure.Time(
            () =>
            {
                for (var i = 0; i < k; i++)
                {
                    using var scope = workspace.Begin();
                    adam.ZeroGrad();
                    var loss = ce.Forward(mlp.Forward(x), y);
                    loss.Backward();
                    adam.Step();
                }
            },
            warmup: 1, blocks, budget, warmupTime);
        var mlpRate = 128.0 * k / best;
        log($"MLP 784-512-512-10: {mlpRate:F0} samples/s");

        var tiny = new Sequential(new Linear(2, 16, rng), new Tanh(), new Linear(16, 1, rng));
        ParameterArena.Flatten(tiny);
        var adam2 = new Adam(tiny.Parameters(), new AdamOptions { LearningRate = 1e-3 });
        var mse = new MseLoss();
        var xt = Tensor.Normal(rng, 0, 1, 256, 2);
        var yt = Tensor.Normal(rng, 0, 1, 256, 1);
        var k2 = quick ? 200 : 1000;

        // Blocks of 200 steps last ~2 ms here (~40 ms for the peer): on a shared machine a few of them are
        // easily all interrupted, so this case takes the best of more blocks (the peer does the same).
        var tinyBlocks = quick ? 15 : 30;
        (best, _) = Measure.Time(
            () =>
            {
                for (var i = 0; i < k2; i++)
                {
                    using var scope = workspace.Begin();
                    adam2.ZeroGrad();
                    var loss = mse.Forward(tiny.Forward(xt), yt);
                    loss.Backward();
                    adam2.Step();
                }
            },
            warmup: 1, tinyBlocks, budget, warmupTime);
        var tinyRate = k2 / best;
        log($"MLP 2-16-1: {tinyRate:F0} steps/s ({1e6 / tinyRate:F1} us/step)");

        var rows = new List<BenchRow>
        {
            new()
            {
                Suite = "train", Case = "MLP 784-512-512-10, batch 128, CE, Adam (flat arena)", Metric = "samples/s (best)", Unit = "samples/s",
                Value = mlpRate,
            },
            new()
            {
                Suite = "train", Case = "MLP 2-16-1 tanh, batch 256, MSE, Adam (flat arena)", Metric = "steps/s (best)", Unit = "steps/s",
                Value = tinyRate, Note = $"{1e6 / tinyRate:F1} us/step",
            },
        };
        var root = DigitsReference.RepositoryRoot();
        var digitsArgument = string.Empty;
        if (root is null)
        {
            log("digits reference skipped: run from the repository (examples/lab/sklearn-reference.json not found)");
        }
        else
        {
            var dataDir = DigitsReference.DataDirectory(root);
            var spec = DigitsReference.Spec(root, dataDir);
            var fits = quick ? 5 : 10;
            foreach (var (optimizer, label) in new[] { ("sgd", "sgd (momentum 0.9, Nesterov, lr 0.01)"), ("adam", "adam (lr 0.001)") })
            {
                var (ms, accuracy) = DigitsReference.Time(spec, optimizer, fits, warmupTime);
                log($"digits {optimizer}: {ms:F3} ms/epoch, validation accuracy {accuracy:P2} after {DigitsReference.Epochs} epochs");
                rows.Add(new BenchRow
                {
                    Suite = "train", Case = $"digits MLP 64-64-10 (sklearn reference), {label}", Metric = $"ms/epoch (best of {fits} fits of {DigitsReference.Epochs})",
                    Unit = "ms/epoch", Value = ms, HigherIsBetter = false,
                    Note = $"lab DigitsMlpTask incl. per-epoch validation; val acc {accuracy:P1}",
                });
            }

            digitsArgument = $" --digits \"{dataDir}\" --fits {fits}";
        }

        var (peer, error) = Peer.Run("train", (quick ? "--quick" : string.Empty) + digitsArgument);
        var name = error ?? $"torch {Peer.Text(peer, "torch", "?")} ({Peer.Text(peer, "blas", "?")})";
        var sklearnError = Peer.Text(peer, "sklearn_error", string.Empty);
        var sklearn = error ?? (sklearnError.Length > 0 ? sklearnError : $"scikit-learn {Peer.Text(peer, "sklearn", "?")} MLPClassifier ({Peer.Text(peer, "blas", "?")})");
        var result = new List<BenchRow>
        {
            rows[0].WithPeer(name, Peer.Get(peer, "mlp_samples_per_s")),
            rows[1].WithPeer(name, Peer.Get(peer, "tiny_steps_per_s")),
        };
        if (rows.Count > 2)
        {
            result.Add(rows[2].WithPeer(sklearn, Peer.Get(peer, "sklearn_sgd_ms_per_epoch")));
            result.Add(rows[3].WithPeer(sklearn, Peer.Get(peer, "sklearn_adam_ms_per_epoch")));
        }

        return result;
    }
}
