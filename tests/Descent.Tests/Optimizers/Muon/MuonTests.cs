using Descent.Experiments;
using Descent.Lab.Catalog;
using Descent.Lab.Specs;
using Descent.Nn;
using Descent.Optimizers;
using Descent.Tests.Cli;
using MuonOptimizer = Descent.Optimizers.Muon;

namespace Descent.Tests.Optimizers.Muon;

/// <summary>
/// Muon beyond the golden trajectories: PyTorch's defaults, the 2-D-only rule and its message, the name
/// <c>muon</c> (registry, lab spec, <c>descent compare</c>) giving non-2-D parameters to AdamW, the parameter-group
/// helper (<see cref="MuonParameterGroups"/>) and <see cref="CompositeOptimizer"/>, zero updates, and
/// allocation-free steady-state steps. Checkpoint resume is covered for <c>muon</c> with every registered optimizer
/// by <c>OptimizerCheckpointTests.ResumeIsBitIdentical</c>.
/// </summary>
public sealed class MuonTests
{
    [Fact]
    public void OptionsHavePyTorchsDefaults()
    {
        var d = new MuonOptions();
        Assert.Equal((1e-3, 0.1, 0.95, true, 1e-7, 5), (d.LearningRate, d.WeightDecay, d.Momentum, d.Nesterov, d.Epsilon, d.NewtonSchulzSteps));
        Assert.Equal((3.4445, -4.7750, 2.0315), (d.NewtonSchulzA, d.NewtonSchulzB, d.NewtonSchulzC));
        Assert.Equal(MuonLearningRateAdjustment.Original, d.LearningRateAdjustment);
        Assert.Equal(NewtonSchulzPrecision.BFloat16, d.Precision);
        Assert.Equal(new AdamWOptions(), d.FallbackOptions());
    }

    [Theory]
    [InlineData(4)]
    [InlineData(2, 3, 4)]
    [InlineData(1, 1, 3, 3)]
    public void RejectsParametersThatAreNot2DPointingToTheGroupHelper(params int[] shape)
    {
        var bad = new Parameter(shape);
        var ex = Assert.Throws<ArgumentException>(() => new MuonOptimizer([new Parameter(3, 4), bad]));
        Assert.Contains($"Muon only supports 2-D parameters, got one of shape {ShapeUtil.Format(shape)}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MuonParameterGroups.Create", ex.Message, StringComparison.Ordinal);

        var muon = new MuonOptimizer([new Parameter(3, 4)]);
        Assert.Throws<ArgumentException>(() => muon.AddParameterGroup([bad], new MuonOptions()));
        Assert.Single(muon.Groups);
    }

    [Fact]
    public void NameMuonGivesParametersThatAreNot2DToAdamW()
    {
        var model = new Sequential(new Linear(5, 4, new Rng(1)), new Relu(), new Linear(4, 3, new Rng(2)));
        var opt = Assert.IsType<CompositeOptimizer>(OptimizerRegistry.Create("muon", model.Parameters(),
            new Dictionary<string, double> { ["lr"] = 0.02, ["adamw_lr"] = 3e-3, ["adamw_weight_decay"] = 0 }));
        Assert.Equal("Muon+AdamW", opt.Name);
        var muon = Assert.IsType<MuonOptimizer>(opt.Parts[0]);
        var adamw = Assert.IsType<AdamW>(opt.Parts[1]);
        Assert.All(muon.Groups.Single().Parameters, p => Assert.Equal(2, p.Rank));
        Assert.All(adamw.Groups.Single().Parameters, p => Assert.Equal(1, p.Rank));
        Assert.Equal(0.02, muon.Defaults.LearningRate);
        Assert.Equal(new AdamWOptions { LearningRate = 3e-3, WeightDecay = 0 }, adamw.Defaults);
        Assert.Equal(opt.Groups, [.. muon.Groups, .. adamw.Groups]);

        // adamw_head: the last matrix (the output layer) goes to AdamW too.
        var recipe = Assert.IsType<CompositeOptimizer>(OptimizerRegistry.Create("muon", model.Parameters(), new Dictionary<string, double> { ["adamw_head"] = 1 }));
        Assert.Equal([model.Parameters().First()], recipe.Parts[0].Groups.Single().Parameters);
        Assert.Equal(3, recipe.Parts[1].Groups.Single().Parameters.Count);

        // Only matrices: the name builds Muon itself.
        Assert.IsType<MuonOptimizer>(OptimizerRegistry.Create("muon", [new Parameter(2, 3)]));
    }

    [Fact]
    public void NameMuonWithParameterNamesGivesEmbeddingsAndHeadsToAdamW()
    {
        var (embedding, query, norm, ffn, head) = (new Parameter(50, 8), new Parameter(8, 8), new Parameter(8), new Parameter(32, 8), new Parameter(2, 8));
        (string Name, Parameter Parameter)[] named =
        [
            ("bert.embeddings.word_embeddings.weight", embedding), ("bert.encoder.layer.0.attention.self.query.weight", query),
            ("bert.encoder.layer.0.output.LayerNorm.weight", norm), ("bert.encoder.layer.0.intermediate.dense.weight", ffn),
            ("classifier.1.weight", head),
        ];
        var opt = Assert.IsType<CompositeOptimizer>(OptimizerRegistry.CreateNamed("muon", named, new Dictionary<string, double> { ["adamw_lr"] = 3e-3 }));
        Assert.Equal([query, ffn], opt.Parts[0].Groups.Single().Parameters);
        Assert.Equal([embedding, norm, head], opt.Parts[1].Groups.Single().Parameters);
        Assert.Equal(3e-3, Assert.IsType<AdamW>(opt.Parts[1]).Defaults.LearningRate);

        // The lab's catalog passes the names through; without names only the rank can decide (the embedding and the head are matrices).
        var lab = Assert.IsType<CompositeOptimizer>(EngineCatalog.Instance.CreateOptimizer("muon", [], named));
        Assert.Equal([query, ffn], lab.Parts[0].Groups.Single().Parameters);
        var byRank = Assert.IsType<CompositeOptimizer>(OptimizerRegistry.Create("muon", named.Select(p => p.Parameter)));
        Assert.Equal([embedding, query, ffn, head], byRank.Parts[0].Groups.Single().Parameters);

        // Optimizers that do not route by name ignore the names.
        Assert.Equal(named.Select(p => p.Parameter), Assert.IsType<AdamW>(OptimizerRegistry.CreateNamed("adamw", named)).Groups.Single().Parameters);
    }

    [Fact]
    public void GroupHelperSendsHiddenMatricesToMuonAndTheRestToAdamW()
    {
        var plans = MuonParameterGroups.Split(
        [
            ("embeddings.word_embeddings.weight", new Parameter(10, 4)), ("encoder.layer.0.attention.query.weight", new Parameter(4, 4)),
            ("encoder.layer.0.attention.query.bias", new Parameter(4)), ("encoder.layer.0.LayerNorm.weight", new Parameter(4)),
            ("encoder.layer.0.output.dense.weight", new Parameter(4, 4)), ("classifier.weight", new Parameter(2, 4)),
            ("classifier.bias", new Parameter(2)),
        ]);
        Assert.Equal(["muon", "adamw"], plans.Select(p => p.Name));
        Assert.Equal(["encoder.layer.0.attention.query.weight", "encoder.layer.0.output.dense.weight"], plans[0].Parameters.Select(p => p.Name));
        Assert.Equal(5, plans[1].Parameters.Count);

        // A Sequential: the last matrix is the head; Embedding modules go to AdamW whatever their name.
        var model = new Sequential(new Embedding(10, 6, new Rng(1)), new Linear(6, 6, new Rng(2)), new Linear(6, 6, new Rng(3)), new Linear(6, 3, new Rng(4)));
        var opt = MuonParameterGroups.Create(model, new MuonOptions { LearningRate = 0.02 }, new AdamWOptions { LearningRate = 1e-3 });
        var named = model.NamedParameters().ToDictionary(p => p.Parameter, p => p.Name);
        Assert.Equal(["1.weight", "2.weight"], opt.Parts[0].Groups.Single().Parameters.Select(p => named[p]));
        Assert.Equal(["0.weight", "1.bias", "2.bias", "3.weight", "3.bias"], opt.Parts[1].Groups.Single().Parameters.Select(p => named[p]));

        var ex = Assert.Throws<ArgumentException>(() => MuonParameterGroups.Split([("norm.weight", new Parameter(4))], (_, _) => false));
        Assert.Contains("'norm.weight' of shape [4] to Muon", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CompositeStepsEachPartAsIfAlone()
    {
        Parameter[] Make() => [new(Tensor.FromArray(Values(12, 1), 3, 4)), new(Tensor.FromArray(Values(4, 2), 4)), new(Tensor.FromArray(Values(10, 3), 5, 2))];
        var (a, b) = (Make(), Make());
        var composite = new CompositeOptimizer(new MuonOptimizer([a[0], a[2]], new MuonOptions { LearningRate = 0.05 }), new AdamW([a[1]]));
        var alone = new Optimizer[] { new MuonOptimizer([b[0], b[2]], new MuonOptions { LearningRate = 0.05 }), new AdamW([b[1]]) };
        for (var step = 0; step < 4; step++)
        {
            foreach (var (ps, k) in new[] { (a, 0), (b, 1) })
            {
                for (var i = 0; i < ps.Length; i++)
                {
                    ps[i].Grad = Tensor.FromArray(Values(ps[i].Length, (ulong)(10 + step + i)), ps[i].Shape);
                }
            }

            composite.Step();
            Array.ForEach(alone, o => o.Step());
        }

        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(b[i].ToArray(), a[i].ToArray());
            Assert.Equal(alone[i == 1 ? 1 : 0].GetState(b[i])!.Tensors.Select(t => t.Value.ToArray()), composite.GetState(a[i])!.Tensors.Select(t => t.Value.ToArray()));
        }

        // State: Muon's momentum buffer (4 bytes per element) plus AdamW's two moments (8).
        Assert.Equal((4L * (12 + 10)) + (8L * 4), composite.StateBytes);
        composite.ZeroGrad();
        Assert.All(a, p => Assert.Null(p.Grad));
        Assert.Throws<ArgumentException>(() => new CompositeOptimizer(new AdamW([a[1]]), new Sgd([a[1]])));
        Assert.Throws<ArgumentException>(() => composite.AddParameterGroup([a[1]], new AdamWOptions()));
        Assert.Throws<ArgumentException>(() => composite.AddParameterGroup([new Parameter(3)], new SgdOptions()));
        composite.AddParameterGroup([new Parameter(3)], new AdamWOptions());
        Assert.Equal(3, composite.Groups.Count);
    }

    [Fact]
    public void AllZeroGradientLeavesOnlyTheDecay()
    {
        var p = new Parameter(Tensor.FromArray(Values(6, 5), 2, 3));
        var before = p.ToArray();
        var muon = new MuonOptimizer([p], new MuonOptions { LearningRate = 0.1, WeightDecay = 0.5 });
        p.Grad = Tensor.Zeros(2, 3);
        muon.Step();
        var decay = (float)(1 - (0.1 * 0.5));
        Assert.Equal(before.Select(v => v * decay), p.ToArray());
        Assert.All(Assert.IsType<MuonState>(muon.GetState(p)).MomentumBuffer.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void VectorBFloat16RoundingEqualsTheReference()
    {
        float[] specials = [float.NaN, -float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, 1e-40f,
            float.MaxValue, -float.MaxValue, 1f + MathF.Pow(2, -8), 1f + (3 * MathF.Pow(2, -8)), 3.3895314e38f];
        for (var n = 0; n <= 257; n++)
        {
            var rng = new Rng((ulong)n + 1);
            var values = Enumerable.Range(0, n).Select(i => i % 5 == 0 ? specials[i / 5 % specials.Length] : (float)(rng.NextNormal() * Math.Pow(10, (i % 13) - 6))).ToArray();
            var (reference, simd) = ((float[])values.Clone(), (float[])values.Clone());
            NewtonSchulz.RoundToBFloat16Reference(reference);
            NewtonSchulz.RoundToBFloat16Simd(simd);
            Assert.Equal(reference.Select(BitConverter.SingleToUInt32Bits), simd.Select(BitConverter.SingleToUInt32Bits));
        }
    }

    [Theory]
    [InlineData(KernelPath.Auto, NewtonSchulzPrecision.BFloat16)]
    [InlineData(KernelPath.Reference, NewtonSchulzPrecision.Float32)]
    public void SteadyStateStepAllocatesNothing(KernelPath path, NewtonSchulzPrecision precision)
    {
        Parameter[] ps = [new(3, 11), new(48, 96), new(70, 20), new(7)];
        foreach (var p in ps)
        {
            p.Grad = Tensor.FromArray(Values(p.Length, (ulong)p.Length), p.Shape);
        }

        var opt = OptimizerRegistry.Create("muon", ps, null, new Dictionary<string, string> { ["ns_dtype"] = precision == NewtonSchulzPrecision.Float32 ? "float32" : "bfloat16" });
        opt.KernelPath = path;
        OptimizerAllocationTests.AssertSteadyStateStepAllocatesNothing(opt);
    }

    [Fact]
    public void LabSpecAndCompareRunItByName()
    {
        const string Json = """
            { "name": "muon-tiny", "task": { "kind": "digits-mlp", "hidden": [16], "batch_size": 100 }, "budget": { "steps": 6 }, "seeds": [0],
              "optimizers": [ { "name": "muon", "lr": 0.02, "ns_coefficients": [3.4445, -4.775, 2.0315], "adjust_lr_fn": "match_rms_adamw",
                                "ns_dtype": "float32", "adamw_lr": 0.003 } ] }
            """;
        var spec = SpecParser.Parse(Json, EngineCatalog.Instance);
        Assert.Equal("muon", Assert.Single(spec.Optimizers).Name);

        Assert.Contains("muon", CliHarness.Compare(Json).RunsCsv, StringComparison.Ordinal);
    }

    [Fact]
    public void PresetComparesAdamWWithMuonOnDigitsAndFashionTransfer()
    {
        var specs = Presets.Load("adamw-vs-muon").Select(t => SpecParser.Parse(t, EngineCatalog.Instance)).ToList();
        Assert.Equal([TaskKinds.DigitsMlp, TaskKinds.FashionTransfer], specs.Select(s => s.Task.Kind));
        Assert.All(specs, s => Assert.Equal(["adamw", "muon", "muon"], s.Optimizers.Select(o => o.Name)));
    }

    [Fact]
    public void PresetComparesPrecisionsAndMuonOnFashionAndSpam()
    {
        var specs = Presets.Load("low-precision-vs-muon").Select(t => SpecParser.Parse(t, EngineCatalog.Instance)).ToList();
        Assert.Equal([TaskKinds.FashionTransfer, TaskKinds.MiniLmSpam], specs.Select(s => s.Task.Kind));
        Assert.All(specs, s => Assert.Equal(["adamw", "adamw8bit", "adamw8bit", "adamw8bit", "muon"], s.Optimizers.Select(o => o.Name)));
        Assert.All(specs, s => Assert.True(s.Seeds.Count >= 3, "the quality comparison needs several seeds"));
    }

    private static float[] Values(int n, ulong seed)
    {
        var rng = new Rng(seed);
        return [.. Enumerable.Range(0, n).Select(_ => (float)rng.NextNormal())];
    }
}
