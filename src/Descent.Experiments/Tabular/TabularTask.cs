using Descent.Autodiff;
using Descent.Checkpoints;
using Descent.Data;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Training;

namespace Descent.Experiments.Tabular;

/// <summary>
/// A run of a <c>csv</c> or <c>idx</c> task: the spec's MLP (<see cref="TabularModel"/>) trained on the user's data
/// with the cross-entropy loss (classification) or the mean squared error (regression), mini-batches of
/// <c>batch_size</c> (default 64) shuffled per epoch by the run's seed.
/// </summary>
/// <remarks>
/// <para>Data: the validation files, or <c>validation_fraction</c> of the training rows held out by the run's seed
/// (stratified by class for classification); with <c>standardize</c> the inputs are scaled with the mean and standard
/// deviation of the run's training rows only (<see cref="TabularData.For"/>).</para>
/// <para>Weights: PyTorch's default Linear initialization from the run's seed, or the <c>init</c> checkpoint.</para>
/// <para>Metrics: per step <c>loss</c> (mini-batch loss before the update); per epoch (0 = before training)
/// <c>train_loss</c> (mean mini-batch loss of the epoch; at epoch 0 the full training loss) and on the validation set
/// <c>val_loss</c> with <c>val_accuracy</c> and <c>val_macro_f1</c> (the unweighted mean of the classes' F1 scores)
/// for classification, or <c>val_loss</c> (the MSE) and <c>val_rmse</c> for regression. Evaluation runs the model in
/// evaluation mode (no dropout).</para>
/// </remarks>
public sealed class TabularTask : LabTask
{
    private readonly TaskSpec task;
    private readonly TabularSettings settings;
    private readonly TabularData data;

    /// <summary>Creates the runs of <paramref name="task"/> on <paramref name="data"/>.</summary>
    public TabularTask(TaskSpec task, TabularSettings settings, TabularData data)
    {
        this.task = task ?? throw new ArgumentNullException(nameof(task));
        this.settings = settings ?? throw new ArgumentNullException(nameof(settings));
        this.data = data ?? throw new ArgumentNullException(nameof(data));
    }

    /// <summary>The model of the run with <paramref name="seed"/> before training (seeded, or the <c>init</c> checkpoint).</summary>
    public Sequential Model(int seed)
    {
        var model = settings.Model.Build(data.Inputs, data.Outputs, seed);
        if (settings.Init is { } init)
        {
            LoadInit(init, model);
        }

        return model;
    }

    /// <inheritdoc />
    public override RunResult Run(RunContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var split = data.For(context.Seed);
        var loader = new DataLoader(split.Train, Math.Min(task.BatchSize ?? TabularSettings.DefaultBatchSize, split.Train.Count), shuffle: true, seed: (ulong)context.Seed);
        var model = Model(context.Seed);
        var workspace = new Workspace();
        if (data.Problem == CsvProblem.Classification)
        {
            var ce = new CrossEntropyLoss();
            var trainLabels = split.Train.Labels.ToArray();
            var validationLabels = split.Validation.Labels.ToArray();
            return SupervisedTraining.Run(context, model, loader, b => b.Labels, ce.Forward,
                Classify(model, split.Train, trainLabels, ce, workspace)[0].Value,
                () => Classify(model, split.Validation, validationLabels, ce, workspace), workspace);
        }

        var mse = new MseLoss();
        var trainTargets = Tensor.FromArray(split.TrainTargets!, split.Train.Count, 1);
        var validationTargets = Tensor.FromArray(split.ValidationTargets!, split.Validation.Count, 1);
        return SupervisedTraining.Run(context, model, loader, b => Gather(split.TrainTargets!, b.Indices), mse.Forward,
            Regress(model, split.Train, trainTargets, mse, workspace)[0].Value,
            () => Regress(model, split.Validation, validationTargets, mse, workspace), workspace);
    }

    /// <summary>Loads the <c>init</c> checkpoint into <paramref name="model"/> (<see cref="Module.Load"/>): every tensor
    /// must be finite and the names and shapes must be the model's (PyTorch's <c>nn.Sequential</c> names); the message
    /// names the file and the tensor.</summary>
    public static void LoadInit(string path, Module model)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(model);
        if (!File.Exists(path))
        {
            throw new SpecValidationException($"$.task.init: '{Printable.Escape(path)}' does not exist");
        }

        try
        {
            model.Load(path);
        }
        catch (CheckpointException e)
        {
            throw new SpecValidationException($"$.task.init (a checkpoint of the $.task.model MLP): {e.Message}", e);
        }
    }

    private static Tensor Gather(float[] targets, int[] indices)
    {
        var t = new Tensor(indices.Length, 1);
        var s = t.Span;
        for (var i = 0; i < indices.Length; i++)
        {
            s[i] = targets[indices[i]];
        }

        return t;
    }

    private static KeyValuePair<string, double>[] Classify(Module model, Dataset set, int[] labels, CrossEntropyLoss ce, Workspace workspace)
    {
        using var scope = workspace.Begin();
        using var _ = Tape.NoGrad();
        model.Eval();
        var logits = model.Forward(set.Features);
        var loss = ce.Forward(logits, labels).Item();
        var predicted = logits.ArgMax();
        return
        [
            new(Learner.ValidationLossMetric, loss),
            new("val_accuracy", Metrics.Accuracy(labels, predicted)),
            new("val_macro_f1", Metrics.F1(labels, predicted, set.NumClasses, MetricAverage.Macro)),
        ];
    }

    private static KeyValuePair<string, double>[] Regress(Module model, Dataset set, Tensor targets, MseLoss mse, Workspace workspace)
    {
        using var scope = workspace.Begin();
        using var _ = Tape.NoGrad();
        model.Eval();
        var loss = (double)mse.Forward(model.Forward(set.Features), targets).Item();
        return [new(Learner.ValidationLossMetric, loss), new("val_rmse", Math.Sqrt(loss))];
    }
}
