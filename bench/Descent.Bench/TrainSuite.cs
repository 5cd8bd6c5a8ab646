using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Optimizers;

namespace Descent.Bench;

/// <summary>
/// End-to-end training throughput: an MLP 784-512-512-10 (ReLU), batch 128, cross-entropy, Adam (samples/s),
/// and the article's 2-16-1 tanh MLP, batch 256, MSE, Adam (steps/s: per-step overhead). Peer: PyTorch.
/// </summary>
internal static class TrainSuite
{
    public static List<BenchRow> Run(bool quick, Action<string> log)
    {
        var blocks = quick ? 3 : 7;
        var budget = TimeSpan.FromSeconds(quick ? 5 : 20);

        var rng = new Rng(0);
        var mlp = new Sequential(new Linear(784, 512, rng), new ReLU(), new Linear(512, 512, rng), new ReLU(), new Linear(512, 10, rng));
        ParameterArena.Flatten(mlp);
        var adam = new Adam(mlp.Parameters(), new AdamOptions { LearningRate = 1e-3 });
        var ce = new CrossEntropyLoss();
        var x = Tensor.Normal(rng, 0, 1, 128, 784);
        var y = Enumerable.Range(0, 128).Select(_ => rng.NextInt(10)).ToArray();
        var k = quick ? 10 : 30;
        for (var i = 0; i < 3; i++)
        {
            var probe = System.Diagnostics.Stopwatch.StartNew();
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
                    adam.ZeroGrad();
                    var loss = ce.Forward(mlp.Forward(x), y);
                    loss.Backward();
                    adam.Step();
                }
            },
            warmup: 1, blocks, budget);
        var mlpRate = 128.0 * k / best;
        log($"MLP 784-512-512-10: {mlpRate:F0} samples/s");

        var tiny = new Sequential(new Linear(2, 16, rng), new Tanh(), new Linear(16, 1, rng));
        ParameterArena.Flatten(tiny);
        var adam2 = new Adam(tiny.Parameters(), new AdamOptions { LearningRate = 1e-3 });
        var mse = new MseLoss();
        var xt = Tensor.Normal(rng, 0, 1, 256, 2);
        var yt = Tensor.Normal(rng, 0, 1, 256, 1);
        var k2 = quick ? 200 : 1000;
        (best, _) = Measure.Time(
            () =>
            {
                for (var i = 0; i < k2; i++)
                {
                    adam2.ZeroGrad();
                    var loss = mse.Forward(tiny.Forward(xt), yt);
                    loss.Backward();
                    adam2.Step();
                }
            },
            warmup: 1, blocks, budget);
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
        var (peer, error) = Peer.Run("train", quick ? "--quick" : string.Empty);
        var name = error ?? $"torch {Peer.Text(peer, "torch", "?")} ({Peer.Text(peer, "blas", "?")})";
        return
        [
            rows[0].WithPeer(name, Peer.Get(peer, "mlp_samples_per_s")),
            rows[1].WithPeer(name, Peer.Get(peer, "tiny_steps_per_s")),
        ];
    }
}
