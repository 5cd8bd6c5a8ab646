using System.Numerics;
using System.Runtime.CompilerServices;
using Descent.Autodiff;
using Descent.Data;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Nn.Losses;
using Descent.Nn;
using Descent.Training;

namespace Descent.Experiments.Digits;

/// <summary>
/// <c>digits-mlp</c>: a ReLU MLP (64 → hidden… → 10) classifying scikit-learn's 8×8 digits with the
/// cross-entropy loss, mini-batches shuffled per epoch by the run's seed.
/// </summary>
/// <remarks>
/// <para>Data: the built-in digits (pixels / 16) split 70/30, stratified, with a fixed seed (the same split
/// for every run); or, with <c>data</c>, a directory holding <c>digits_train.csv</c> and
/// <c>digits_test.csv</c> (label, then 64 pixels 0–16, no header), e.g. scikit-learn's exact split.</para>
/// <para>Weights are initialized from the run's seed (PyTorch's default Linear initialization). With
/// <c>l2</c> = α the scikit-learn penalty is applied: α·W/n added to each weight gradient (not biases) and
/// α/(2n)·ΣW² to the reported loss, n being the batch size.</para>
/// <para>Metrics: per step <c>loss</c> (mini-batch loss before the update); per epoch (0 = before
/// training) <c>train_loss</c> (mean mini-batch loss of the epoch; at epoch 0 the full training loss),
/// <c>val_loss</c> and <c>val_accuracy</c> on the held-out split.</para>
/// </remarks>
public sealed class DigitsMlpTask : LabTask
{
    /// <summary>The seed of the built-in train/validation split.</summary>
    public const ulong SplitSeed = 0;

    /// <summary>The mini-batch size when the spec gives none.</summary>
    public const int DefaultBatchSize = 200;

    /// <summary>Rows an evaluation pass holds at once, for the memory estimate: the built-in digits' 1,797 images (each
    /// split is evaluated whole).</summary>
    public const int EvaluationRows = 1797;

    private readonly Lazy<(Dataset Train, Dataset Validation)> data;

    /// <summary>Creates the task for <paramref name="task"/>.</summary>
    public DigitsMlpTask(TaskSpec task)
    {
        Task = task ?? throw new ArgumentNullException(nameof(task));
        data = new Lazy<(Dataset, Dataset)>(() => Load(task.Data), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The task spec.</summary>
    public TaskSpec Task { get; }

    /// <summary>The training and validation sets.</summary>
    public (Dataset Train, Dataset Validation) Data => data.Value;

    /// <summary>Loads the built-in split or the CSV pair in <paramref name="directory"/>.</summary>
    public static (Dataset Train, Dataset Validation) Load(string? directory)
    {
        if (directory is null)
        {
            return Datasets.Digits().Split(0.3, SplitSeed, stratify: true);
        }

        Dataset Read(string file)
        {
            var path = Path.Combine(directory, file);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"digits-mlp: '{path}' does not exist; $.task.data must name a directory with digits_train.csv and digits_test.csv", path);
            }

            return Datasets.FromTable(CsvReader.Read(path), labelColumn: 0, numClasses: 10, scale: 1f / 16f);
        }

        return (Read("digits_train.csv"), Read("digits_test.csv"));
    }

    /// <summary>The model for <paramref name="seed"/>.</summary>
    public Sequential Model(int seed)
    {
        var rng = new Rng((ulong)seed);
        var layers = new List<Module>();
        var width = 64;
        foreach (var h in Task.Hidden)
        {
            layers.Add(new Linear(width, h, rng));
            layers.Add(new Relu());
            width = h;
        }

        layers.Add(new Linear(width, 10, rng));
        return new Sequential(layers);
    }

    /// <inheritdoc />
    public override RunResult Run(RunContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (train, validation) = Data;
        var batch = Math.Min(Task.BatchSize ?? DefaultBatchSize, train.Count);
        var loader = new DataLoader(train, batch, shuffle: true, seed: (ulong)context.Seed);
        var model = Model(context.Seed);
        var weights = model.NamedParameters().Where(p => p.Name.EndsWith("weight", StringComparison.Ordinal)).Select(p => p.Parameter).ToList();
        var ce = new CrossEntropyLoss();

        // Every step and evaluation runs in one workspace scope: the intermediates of one step are recycled by
        // the next, so the loop allocates (almost) nothing (values are read inside the scopes).
        var workspace = new Workspace();
        var trainLabels = train.Labels.ToArray();
        var validationLabels = validation.Labels.ToArray();
        var (l0, _) = Evaluate(model, train, trainLabels, ce, workspace);
        return ClassificationTraining.Run(
            context,
            model,
            loader,
            l0 + Penalty(weights, train.Count),
            () => Evaluate(model, validation, validationLabels, ce, workspace),
            workspace,
            b => Penalty(weights, b.Count),
            Task.L2 > 0 ? b => AddPenaltyGradient(weights, b.Count) : null);
    }

    /// <summary>The L2 penalty's gradient: α·W/n added to each weight's gradient.</summary>
    private void AddPenaltyGradient(List<Parameter> weights, int n)
    {
        var k = (float)(Task.L2 / n);
        foreach (var w in weights)
        {
            AddScaled(w.Grad!.Span, k, w.Span);
        }
    }

    private double Penalty(List<Parameter> weights, int n)
    {
        if (Task.L2 <= 0)
        {
            return 0;
        }

        var s = 0.0;
        foreach (var w in weights)
        {
            s += SumOfSquares(w.Span);
        }

        return 0.5 * Task.L2 * s / n;
    }

    /// <summary>Σ v² in double precision (four interleaved partial sums).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SumOfSquares(ReadOnlySpan<float> values)
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        var i = 0;
        for (; i <= values.Length - 4; i += 4)
        {
            s0 += (double)values[i] * values[i];
            s1 += (double)values[i + 1] * values[i + 1];
            s2 += (double)values[i + 2] * values[i + 2];
            s3 += (double)values[i + 3] * values[i + 3];
        }

        for (; i < values.Length; i++)
        {
            s0 += (double)values[i] * values[i];
        }

        return (s0 + s1) + (s2 + s3);
    }

    /// <summary>g[i] += k·p[i] (each product rounded, then added, as the scalar form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddScaled(Span<float> g, float k, ReadOnlySpan<float> p)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var kv = new Vector<float>(k);
            for (; i <= g.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                (new Vector<float>(g[i..]) + (kv * new Vector<float>(p[i..]))).CopyTo(g[i..]);
            }
        }

        for (; i < g.Length; i++)
        {
            g[i] += k * p[i];
        }
    }

    private static (double Loss, double Accuracy) Evaluate(Module model, Dataset set, int[] labels, CrossEntropyLoss ce, Workspace workspace)
    {
        using var scope = workspace.Begin();
        using var _ = Tape.NoGrad();
        var logits = model.Forward(set.Features);
        var loss = ce.Forward(logits, labels).Item();
        var correct = AccuracyMetric.CountCorrect(logits, labels);
        return (loss, (double)correct / set.Count);
    }
}
