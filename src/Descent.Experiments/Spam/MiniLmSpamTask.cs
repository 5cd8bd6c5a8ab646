using System.Globalization;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Onnx;
using Descent.Text;
using Descent.Text.Classification;

namespace Descent.Experiments.Spam;

/// <summary>
/// <c>minilm-spam</c>: fine-tunes all-MiniLM-L6-v2 with a fresh head for SpamAssassin spam detection with
/// <see cref="TextClassifierFineTuner"/>, the optimizer and schedule coming from the spec (not the CLI presets): all
/// trainable parameters form one group, given to the optimizer with their names, so that <c>muon</c> trains the encoder's
/// hidden matrices and gives the embeddings, the head, biases and LayerNorm weights to AdamW
/// (<see cref="Descent.Optimizers.Muon.CreateNamed"/>).
/// </summary>
/// <remarks>
/// <para>Task fields: <c>mode</c> (head, top-k, full), <c>top_k</c>, <c>head</c> (mlp, linear), <c>features</c> (layers,
/// sentence), <c>init</c> (random, probe), <c>max_length</c>, <c>train_limit</c> (a seeded random subset of the training
/// split), <c>batch_size</c> (default 16) and <c>data</c> (corpus path; default the full corpus if found, else the shipped
/// subset). <c>head</c>, <c>features</c> and <c>init</c> have the CLI's names, values and defaults: head mode and
/// <c>init: probe</c> default to the MLP head on every layer's mean and max pooling, top-k and full otherwise to the linear
/// head on the sentence embedding. LP-FT's probe stage (<c>init: probe</c>) is head mode's preset
/// (<see cref="TextFineTuneOptions.ProbeOptions"/>: AdamW, 50 epochs of 32); the spec's optimizer trains the stage after it. The split is the fixed stratified one (test fraction 0.2, seed 0); the
/// run's seed drives the head initialization, dropout and shuffling. A <c>steps</c> budget is rounded up to whole epochs.</para>
/// <para>Metrics: per step <c>loss</c>; per epoch <c>train_loss</c>, <c>val_accuracy</c>, <c>val_f1</c> (spam positive),
/// <c>epoch_seconds</c>, <c>tokens_per_second</c> and <c>gflops</c> (achieved GEMM GFLOP/s); the runner adds the
/// trainable parameters, optimizer state and peak working set of every run (<see cref="RunResources"/>).</para>
/// <para>LoRA mode: the <c>lora</c> section's <c>plus</c> ratio (LoRA+, 0 = off) gives the spec's optimizer the groups of
/// <see cref="Descent.Optimizers.ParameterGroups.LoraPlus"/> (PEFT's <c>create_loraplus_optimizer</c>): B matrices and rank-1
/// parameters at ratio × the spec's lr, the rank-1 ones without weight decay.</para>
/// </remarks>
public sealed class MiniLmSpamTask : LabTask
{
    private readonly Lazy<(TokenizedTexts Train, TokenizedTexts Test, OnnxModel Onnx)> data;
    private readonly Lock cacheLock = new();
    private PooledEmbeddings? cache;

    /// <summary>Creates the task for <paramref name="task"/>.</summary>
    public MiniLmSpamTask(TaskSpec task)
    {
        Task = task ?? throw new ArgumentNullException(nameof(task));
        data = new Lazy<(TokenizedTexts, TokenizedTexts, OnnxModel)>(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The task spec.</summary>
    public TaskSpec Task { get; }

    /// <summary>Its <c>minilm-spam</c> fields.</summary>
    public MiniLmTaskSettings Settings => Task.Settings as MiniLmTaskSettings ?? MiniLmTaskSettings.Default;

    /// <summary>The fine-tuning options of a run with <paramref name="seed"/> and <paramref name="epochs"/>.</summary>
    public TextFineTuneOptions Options(int seed, int epochs) => new()
    {
        Mode = Settings.Mode switch
        {
            "head" => FineTuneMode.Head,
            "top-k" => FineTuneMode.TopK,
            "lora" => FineTuneMode.Lora,
            _ => FineTuneMode.Full,
        },
        Lora = Settings.Lora,
        LoraPlusRatio = Settings.LoraPlus,
        TopK = Settings.TopK,
        Head = Settings.Head == "mlp" ? ClassifierHead.Mlp : ClassifierHead.Linear,
        Features = Settings.Features == "layers" ? HeadFeatures.AllLayersMeanMax : HeadFeatures.SentenceEmbedding,
        HeadInit = Settings.Init == "probe" ? HeadInit.Probe : HeadInit.Random,
        Epochs = epochs,
        BatchSize = Task.BatchSize ?? 16,
        MaxLength = Settings.MaxLength,
        Seed = (ulong)seed,
    };

    /// <inheritdoc />
    public override RunResult Run(RunContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (train, test, onnx) = data.Value;
        var batch = Task.BatchSize ?? 16;
        var stepsPerEpoch = (train.Count + batch - 1) / batch;
        var epochs = context.Spec.Budget.Epochs ?? ((context.Spec.Budget.Steps!.Value + stepsPerEpoch - 1) / stepsPerEpoch);
        var options = Options(context.Seed, epochs);
        var encoder = MiniLm.LoadModel(onnx, options.Seed);
        PooledEmbeddings? embeddings = null;
        if (options.UsesPooledCache)
        {
            // The pretrained encoder in eval mode gives the same embeddings for every seed and optimizer: compute them once.
            lock (cacheLock)
            {
                cache ??= PooledEmbeddings.Compute(encoder, train, test, options.EvalBatchSize, cancellation: context.Cancellation);
                embeddings = cache;
            }
        }

        var rec = new RunRecorder(context);
        var step = 0;
        FineTuneResult result;
        try
        {
            result = TextClassifierFineTuner.Run(encoder, train, test, options,
                p =>
                {
                    if (p.Phase == "train")
                    {
                        rec.Step("loss", step++, p.StepLoss);
                    }
                },
                embeddings, context.Cancellation,
                (plans, totalSteps) =>
                {
                    var optimizer = context.CreateOptimizer(plans);
                    return (optimizer, context.CreateSchedule(optimizer, totalSteps));
                });
        }
        catch (FineTuneDivergedException e)
        {
            // The fine-tuner stops at the first non-finite training loss: a diverged run, not a failed one.
            return rec.Diverged(step, $"{context.Run.Configuration.Label} diverged: {e.Message}");
        }

        foreach (var e in result.Epochs)
        {
            var at = e.Epoch * stepsPerEpoch;
            rec.Epoch("train_loss", e.Epoch, at, e.TrainLoss);
            rec.Epoch("val_accuracy", e.Epoch, at, e.Accuracy);
            rec.Epoch("val_f1", e.Epoch, at, e.F1);
            rec.Epoch("epoch_seconds", e.Epoch, at, e.TrainSeconds);
            rec.Epoch("tokens_per_second", e.Epoch, at, e.TokensPerSecond);
            rec.Epoch("gflops", e.Epoch, at, e.GflopsPerSecond);
            if (IsBad(e.TrainLoss))
            {
                return rec.Diverged(at, string.Create(CultureInfo.InvariantCulture,
                    $"{context.Run.Configuration.Label} diverged in epoch {e.Epoch}: mean training loss = {e.TrainLoss}"));
            }
        }

        return rec.Completed(result.Steps);
    }

    private (TokenizedTexts, TokenizedTexts, OnnxModel) Load()
    {
        var (train, test, _) = SpamSplit.Load(Task.Data, Settings.TrainLimit);
        var tokenizer = MiniLm.CreateTokenizer(Settings.MaxLength);
        return (TokenizedTexts.Create(tokenizer, [.. train.Select(t => t.Text)], [.. train.Select(t => t.Label)]),
            TokenizedTexts.Create(tokenizer, [.. test.Select(t => t.Text)], [.. test.Select(t => t.Label)]),
            MiniLm.ReadOnnx());
    }
}
