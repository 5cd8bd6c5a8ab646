using Descent.Autodiff;
using Descent.Autodiff.Ops;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Optimizers;

namespace Descent.Tests.Autodiff;

public class WorkspaceTests
{
    /// <summary>What a steady-state step of the 2-16-1 MLP (4 operations) may still allocate inside a
    /// workspace: the graph's small objects (per operation its output tensor and shape, node and input list,
    /// and each intermediate gradient's tensor object, ≈ 280 bytes); every buffer is reused.</summary>
    internal const long SmallMlpStepBound = 1536;

    [Fact]
    public void SteadyStateSmallMlpStepReusesEveryBufferAndAllocatesOnlyGraphObjects()
    {
        var (model, optimizer, x, y) = SmallMlp(seed: 3);
        var mse = new MseLoss();
        var workspace = new Workspace();
        void Step()
        {
            using (workspace.Begin())
            {
                optimizer.ZeroGrad();
                mse.Forward(model.Forward(x), y).Backward();
                optimizer.Step();
            }
        }

        for (var i = 0; i < 20; i++)
        {
            Step();
        }

        var reserved = workspace.ReservedBytes;
        const int steps = 200;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < steps; i++)
        {
            Step();
        }

        var perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / steps;
        Assert.True(perStep <= SmallMlpStepBound, $"a steady-state step allocated {perStep} bytes (bound {SmallMlpStepBound})");
        Assert.Equal(reserved, workspace.ReservedBytes);

        // The storage the workspace holds is the step's intermediates: [256,16] twice, [256,1], one scalar.
        Assert.Equal(4L * ((2 * 256 * 16) + 256 + 1), reserved);
    }

    [Fact]
    public void TrainingInsideAWorkspaceFollowsExactlyTheSameTrajectory()
    {
        var (m1, o1, x, y) = SmallMlp(seed: 11);
        var (m2, o2, _, _) = SmallMlp(seed: 11);
        var mse = new MseLoss();
        var workspace = new Workspace();
        for (var step = 0; step < 25; step++)
        {
            o1.ZeroGrad();
            var l1 = mse.Forward(m1.Forward(x), y);
            l1.Backward();
            o1.Step();

            float l2;
            using (workspace.Begin())
            {
                o2.ZeroGrad();
                var loss = mse.Forward(m2.Forward(x), y);
                loss.Backward();
                o2.Step();
                l2 = loss.Item();
            }

            Assert.Equal(l1.Item(), l2);
        }

        var p1 = m1.Parameters().ToList();
        var p2 = m2.Parameters().ToList();
        for (var i = 0; i < p1.Count; i++)
        {
            Assert.Equal(p1[i].ToArray(), p2[i].ToArray());
        }
    }

    [Fact]
    public void CrossEntropyWithNewTargetsEachStepMatchesTheRunWithoutWorkspace()
    {
        Sequential Model() => new(new Linear(8, 12, new Rng(5)), new Relu(), new Linear(12, 4, new Rng(6)));
        var m1 = Model();
        var m2 = Model();
        var o1 = new Adam(m1.Parameters(), new AdamOptions { LearningRate = 0.01 });
        var o2 = new Adam(m2.Parameters(), new AdamOptions { LearningRate = 0.01 });
        var ce = new CrossEntropyLoss();
        var rng = new Rng(7);
        var workspace = new Workspace();
        for (var step = 0; step < 10; step++)
        {
            var x = Tensor.Normal(rng, 0, 1, 6, 8);
            var t = Enumerable.Range(0, 6).Select(_ => rng.NextInt(4)).ToArray();
            o1.ZeroGrad();
            var l1 = ce.Forward(m1.Forward(x), t);
            l1.Backward();
            o1.Step();
            using (workspace.Begin())
            {
                o2.ZeroGrad();
                var l2 = ce.Forward(m2.Forward(x), t);
                l2.Backward();
                o2.Step();
                Assert.Equal(l1.Item(), l2.Item());
            }
        }

        Assert.Equal(m1.Parameters().SelectMany(p => p.ToArray()), m2.Parameters().SelectMany(p => p.ToArray()));
    }

    [Fact]
    public void OutputsAndTheirViewsAreReleasedWhenTheScopeEndsAndClonesSurvive()
    {
        var layer = new Linear(3, 2, new Rng(1));
        var x = Tensor.Normal(new Rng(2), 0, 1, 4, 3);
        var workspace = new Workspace();
        Tensor hidden, view, reshaped, loss, kept;
        using (workspace.Begin())
        {
            hidden = layer.Forward(x);
            view = hidden.Detach();
            reshaped = hidden.Reshape(8);
            loss = new MseLoss().Forward(hidden, Tensor.Zeros(4, 2));
            kept = hidden.Clone();
            Assert.Equal(kept.ToArray(), view.ToArray());
            Assert.False(hidden.IsReleased);
        }

        foreach (var t in new[] { hidden, view, reshaped, loss })
        {
            Assert.True(t.IsReleased);
            var e = Assert.Throws<InvalidOperationException>(() => t.ToArray());
            Assert.Contains("Workspace scope that has ended", e.Message, StringComparison.Ordinal);
        }

        Assert.Throws<InvalidOperationException>(() => loss.Item());
        Assert.Throws<InvalidOperationException>(() => hidden.Detach());
        Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.False(kept.IsReleased);
        Assert.False(x.IsReleased);
        Assert.False(layer.Weight.IsReleased);
        Assert.Equal(layer.Forward(x).ToArray(), kept.ToArray());
    }

    [Fact]
    public void WithoutAScopeOutputsAreOrdinaryTensors()
    {
        var layer = new Linear(3, 2, new Rng(1));
        var x = Tensor.Normal(new Rng(2), 0, 1, 4, 3);
        var workspace = new Workspace();
        using (workspace.Begin())
        {
        }

        var y = layer.Forward(x);
        Assert.False(y.IsReleased);
        Assert.Equal(0, workspace.ReservedBytes);
    }

    [Fact]
    public void ScopesNestInReverseOrderAndAWorkspaceHasOneOpenScope()
    {
        var layer = new Linear(3, 2, new Rng(1));
        var x = Tensor.Normal(new Rng(2), 0, 1, 4, 3);
        var outer = new Workspace();
        var inner = new Workspace();
        using (outer.Begin())
        {
            Assert.Throws<InvalidOperationException>(() => outer.Begin());
            Assert.Throws<InvalidOperationException>(() => outer.Clear());
            var a = layer.Forward(x);
            Tensor b;
            using (inner.Begin())
            {
                b = layer.Forward(x);
                Assert.True(inner.IsActive);
            }

            Assert.True(b.IsReleased);
            Assert.False(a.IsReleased);
            var c = layer.Forward(x);
            Assert.Equal(a.ToArray(), c.ToArray());
        }

        Assert.False(outer.IsActive);
        outer.Clear();
        Assert.Equal(0, outer.ReservedBytes);

        var first = outer.Begin();
        var second = inner.Begin();
        Assert.Throws<InvalidOperationException>(() => first.Dispose());
        second.Dispose();
        first.Dispose();
        Assert.False(outer.IsActive);
        Assert.False(inner.IsActive);
    }

    [Fact]
    public void StagedInferenceHoldsOneStageAndTheStagesResultsWithTheSameValues()
    {
        var rng = new Rng(8);
        const int rows = 50, width = 16, hidden = 64, stages = 6;
        var layers = Enumerable.Range(0, stages).Select(_ => (Up: new Linear(width, hidden, rng), Down: new Linear(hidden, width, rng))).ToArray();
        var x = Tensor.Normal(rng, 0, 1, rows, width);
        static Tensor Stage((Linear Up, Linear Down) layer, Tensor h) => layer.Down.Forward(layer.Up.Forward(h).Gelu());

        var plain = new Workspace();
        var staged = new Workspace();
        float[] expected, actual;
        using (Tape.NoGrad())
        {
            using (plain.Begin())
            {
                var h = x;
                foreach (var layer in layers)
                {
                    h = Stage(layer, h);
                }

                expected = h.ToArray();
            }

            for (var pass = 0; pass < 2; pass++)
            {
                using (staged.Begin())
                {
                    var h = x;
                    foreach (var layer in layers)
                    {
                        h = Workspace.Stage((layer, h), static s => Stage(s.layer, s.h));
                    }

                    actual = h.ToArray();
                }

                Assert.Equal(expected, actual);
            }
        }

        // Per stage: the up projection, its GELU and the down projection; staged: one stage's set (reused by every
        // stage and pass) plus each stage's result kept in the scope.
        var perStage = 4L * rows * (hidden + hidden + width);
        Assert.Equal(stages * perStage, plain.ReservedBytes);
        Assert.Equal(perStage + (stages * 4L * rows * width), staged.ReservedBytes);
        staged.Clear();
        Assert.Equal(0, staged.ReservedBytes);
    }

    [Fact]
    public void AStageResultLivesUntilTheEnclosingScopeEnds()
    {
        var layer = new Linear(5, 7, new Rng(2));
        var x = Tensor.Normal(new Rng(3), 0, 1, 4, 5);
        var workspace = new Workspace();
        Tensor result;
        using (Tape.NoGrad())
        {
            using (workspace.Begin())
            {
                result = Workspace.Stage(layer, l => l.Forward(x).Gelu());
                Assert.Equal(layer.Forward(x).Gelu().ToArray(), result.ToArray());
            }
        }

        Assert.Throws<InvalidOperationException>(() => result.ToArray());
    }

    [Fact]
    public void StagesRunDirectlyWhereOperationsAreRecordedOrNoScopeIsOpen()
    {
        var layer = new Linear(5, 3, new Rng(2));
        var x = Tensor.Normal(new Rng(3), 0, 1, 4, 5);
        Tensor? inner = null;
        var workspace = new Workspace();
        using (workspace.Begin())
        {
            // Recorded: the intermediates stay for backward, so the stage's own output is returned and differentiable.
            var y = Workspace.Stage(layer, l => inner = l.Forward(x));
            Assert.Same(inner, y);
            y.Sum().Backward();
            Assert.NotNull(layer.Weight.Grad);
        }

        Assert.Equal(4L * ((4 * 3) + 1), workspace.ReservedBytes); // the layer's output and the sum, no stage storage
        using (Tape.NoGrad())
        {
            var y = Workspace.Stage(layer, l => inner = l.Forward(x));
            Assert.Same(inner, y);
        }
    }

    public static TheoryData<string> RecycledOps() =>
    [
        "linear-small", "linear-small-nobias", "linear-large", "linear-narrow", "linear-gelu-small", "linear-gelu-large", "tanh", "relu", "sigmoid", "exp", "log",
        "neg", "sqrt", "square", "add", "sub-broadcast", "mul-scalar", "mse", "cross-entropy",
        "layer-norm", "gelu", "softmax", "softmax-axis0", "log-softmax", "log-softmax-axis0", "dropout", "embedding",
        "matmul", "matmul-batched", "matmul-shared-b", "permute", "transpose", "reshape", "sum-all", "mean-all",
        "sum-axis-last", "sum-axis-inner", "mean-axis-keepdim", "div", "div-broadcast", "pow", "pow-2", "bce-with-logits",
        "attention", "residual-layer-norm", "lora", "lora-gelu-separate-input",
    ];

    /// <summary>Every operation that takes its output from a workspace must write every element: run it once,
    /// poison its output with NaN, end the scope, and the next scope's call (which gets the poisoned storage)
    /// must equal the result without a workspace, and its gradients too.</summary>
    [Theory]
    [MemberData(nameof(RecycledOps))]
    public void RecycledStorageIsFullyOverwritten(string op)
    {
        var rng = new Rng(21);
        var x = Tensor.Normal(rng, 0, 1, 37, 24);
        x.RequiresGrad = true;
        var positive = Tensor.Uniform(rng, 0.5f, 2f, 37, 24);
        positive.RequiresGrad = true;
        var row = Tensor.Normal(rng, 0, 1, 24);
        var small = new Linear(24, 20, new Rng(3));
        var smallNoBias = new Linear(24, 33, new Rng(4), bias: false);
        var large = new Linear(24, 300, new Rng(5));
        var narrow = new Linear(24, 3, new Rng(6));
        var labels = Enumerable.Range(0, 37).Select(i => i % 24).ToArray();
        var norm = new LayerNorm(24, 1e-5);
        Tensor.Normal(rng, 1, 0.1f, 24).Span.CopyTo(norm.Weight!.Span);
        Tensor.Normal(rng, 0, 0.1f, 24).Span.CopyTo(norm.Bias!.Span);
        var embedding = new Embedding(30, 24, new Rng(7), paddingIndex: 2);
        var ids = Enumerable.Range(0, 37).Select(i => (i * 7) % 30).ToArray();
        var b = Tensor.Normal(rng, 0, 1, 24, 5);
        b.RequiresGrad = true;
        var loraA = Tensor.Normal(rng, 0, 0.3f, 4, 24);
        var loraB = Tensor.Normal(rng, 0, 0.3f, 300, 4);
        loraA.RequiresGrad = loraB.RequiresGrad = true;
        var others = new Tensor[] { norm.Weight!, norm.Bias!, embedding.Weight, b, loraA, loraB };
        Tensor Run() => op switch
        {
            "linear-small" => small.Forward(x),
            "linear-small-nobias" => smallNoBias.Forward(x),
            "linear-large" => large.Forward(x),
            "linear-narrow" => narrow.Forward(x),
            "linear-gelu-small" => small.ForwardGelu(x),
            "linear-gelu-large" => large.ForwardGelu(x),
            "tanh" => x.Tanh(),
            "relu" => x.Relu(),
            "sigmoid" => x.Sigmoid(),
            "exp" => x.Exp(),
            "log" => positive.Log(),
            "neg" => x.Neg(),
            "sqrt" => positive.Sqrt(),
            "square" => x.Square(),
            "add" => x.Add(positive),
            "sub-broadcast" => x.Sub(row),
            "mul-scalar" => x * 1.5f,
            "mse" => new MseLoss().Forward(x, positive),
            "cross-entropy" => new CrossEntropyLoss().Forward(x, labels),
            "layer-norm" => norm.Forward(x),
            "gelu" => x.Gelu(),
            "softmax" => x.Softmax(-1),
            "softmax-axis0" => x.Softmax(0),
            "log-softmax" => x.LogSoftmax(-1),
            "log-softmax-axis0" => x.Reshape(37, 4, 6).LogSoftmax(1),
            "dropout" => new Dropout(0.3, new Rng(9)).Forward(x),
            "embedding" => embedding.Forward(ids, 37),
            "matmul" => x.MatMul(positive.Transpose()),
            "matmul-batched" => x.Reshape(37, 4, 6).MatMul(positive.Reshape(37, 6, 4)),
            "matmul-shared-b" => x.Reshape(1, 37, 24).MatMul(b),
            "permute" => x.Reshape(37, 4, 6).Permute(2, 0, 1),
            "transpose" => x.Transpose(),
            "reshape" => (x * 2f).Reshape(4, -1, 6),
            "sum-all" => x.Sum(),
            "mean-all" => x.Mean(),
            "sum-axis-last" => x.Sum(-1),
            "sum-axis-inner" => x.Reshape(37, 4, 6).Sum(1),
            "mean-axis-keepdim" => x.Mean(0, keepDim: true),
            "div" => x.Div(positive),
            "div-broadcast" => positive.Div(x.Sum(0)),
            "pow" => positive.Pow(1.7f),
            "pow-2" => x.Pow(2f),
            "bce-with-logits" => new BceWithLogitsLoss().Forward(x, positive),
            "attention" => ScaledDotProductAttention.Forward(x.Reshape(1, 37, 24), positive.Reshape(1, 37, 24), (x * 2f).Reshape(1, 37, 24), 4,
                null, new Dropout(0.3, new Rng(9)), KernelPath.Simd),
            "residual-layer-norm" => norm.Forward(x, positive, new Dropout(0.3, new Rng(9)), KernelPath.Simd),
            "lora" => LoraOp.Forward(x, large.Weight, large.Bias, x, loraA, loraB, 2f),
            "lora-gelu-separate-input" => LoraOp.Forward(x, large.Weight, large.Bias, x * positive, loraA, loraB, 2f, gelu: true),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
        };

        var expected = Run();
        var expectedGrad = Gradient(expected);
        var workspace = new Workspace();
        using (workspace.Begin())
        {
            Run().Fill(float.NaN);
        }

        using (workspace.Begin())
        {
            var y = Run();
            Assert.Equal(expected.ToArray(), y.ToArray());
            Assert.Equal(expectedGrad, Gradient(y));
        }

        float[] Gradient(Tensor y)
        {
            x.ZeroGrad();
            positive.ZeroGrad();
            foreach (var t in others)
            {
                t.ZeroGrad();
            }

            y.Backward(Tensor.Ones(y.Shape));
            return [.. x.Grad?.ToArray() ?? [], .. positive.Grad?.ToArray() ?? [], .. others.SelectMany(t => t.Grad?.ToArray() ?? [])];
        }
    }

    internal static (Sequential Model, Adam Optimizer, Tensor X, Tensor Y) SmallMlp(int seed)
    {
        var rng = new Rng((ulong)seed);
        var model = new Sequential(new Linear(2, 16, rng), new Tanh(), new Linear(16, 1, rng));
        ParameterArena.Flatten(model);
        var optimizer = new Adam(model.Parameters(), new AdamOptions { LearningRate = 0.01 });
        var x = Tensor.Normal(rng, 0, 1, 256, 2);
        var y = Tensor.Normal(rng, 0, 1, 256, 1);
        return (model, optimizer, x, y);
    }
}
