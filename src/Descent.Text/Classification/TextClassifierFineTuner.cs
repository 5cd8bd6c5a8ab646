using System.Diagnostics;
using Descent.Autodiff;
using Descent.Nn;
using Descent.Nn.Lora;
using Descent.Nn.Losses;
using Descent.Text.Transformers;
using Descent.Optimizers;
using Descent.Schedulers;
using Descent.Training;

namespace Descent.Text.Classification;

/// <summary>
/// Fine-tunes a pretrained BERT encoder (e.g. all-MiniLM-L6-v2 from <see cref="MiniLm"/>) with mean pooling and a
/// linear head (<see cref="BertClassifier"/>: dropout then linear) or through other features and heads
/// (<see cref="LayerPooledClassifier"/>, optionally LP-FT: <see cref="HeadInit.Probe"/>) for text classification — or, in head-only mode, trains
/// only a head (<see cref="CreateHead"/>) on frozen features (<see cref="HeadFeatures"/>) — and reports held-out
/// accuracy and F1 (class 1 positive), time, tokens per second, achieved GFLOP/s and peak memory per epoch.
/// </summary>
/// <remarks>
/// Texts are tokenized once (<see cref="TokenizedTexts"/>, truncated to the maximum length) and every batch is padded
/// to its own longest text (dynamic padding); the training order is reshuffled each epoch from the seed and bucketed by
/// length within windows of <see cref="TextFineTuneOptions.LengthWindow"/> batches (<see cref="TokenizedTexts.GroupByLength"/>),
/// and evaluation batches go longest first, so batches pad little; tokens per second count real tokens only.
/// <para>Data parallel (a <c>dataParallel</c> callback that is an <see cref="IDataParallel"/>, e.g. <c>Descent.Distributed.DataParallel</c>
/// under <c>mpirun -n N</c>): every rank builds the same global batches, fine-tunes on its shard of each
/// (<see cref="DataLoader.ShardRange"/>; batch sizes stay global) and the callback averages the gradients, so gradient clipping
/// and the updates see the global batch; the loss, <c>train_loss</c>, tokens and FLOPs are the global batch's on every rank
/// (so tokens/s and GFLOP/s are the whole job's). Only rank 0 evaluates on the held-out set (the others' epochs have NaN
/// accuracy, precision, recall and F1; their results are not reported), so evaluation costs what it costs one process. Dropout masks are drawn from
/// the same seed on every rank (as PyTorch DDP with one seed), so results differ from one process's by more than rounding when
/// dropout is on. Head mode trains a small head on cached features and is not data-parallel (refused); the probe stage of
/// LP-FT runs whole, identically, on every rank.</para>
/// <see cref="FineTuneMode.Head"/> freezes the encoder, so its pooled hidden states are computed once in eval mode
/// (<see cref="PooledEmbeddings"/>) and the head trains on the features <see cref="TextFineTuneOptions.Features"/> selects
/// from that cache (standardized with the training texts' statistics if asked; dropout still applies).
/// </remarks>
public static class TextClassifierFineTuner
{
    private const ulong HeadSeed = 0x5EED_1EADUL;

    /// <summary>Tokenizes the texts and runs the overload taking <see cref="TokenizedTexts"/>.</summary>
    public static FineTuneResult Run(
        BertModel encoder, BertTextTokenizer tokenizer, IReadOnlyList<string> trainTexts, IReadOnlyList<int> trainLabels,
        IReadOnlyList<string> testTexts, IReadOnlyList<int> testLabels, TextFineTuneOptions options,
        Action<FineTuneProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return Run(encoder, TokenizedTexts.Create(tokenizer, trainTexts, trainLabels), TokenizedTexts.Create(tokenizer, testTexts, testLabels),
            options, progress, null, cancellation);
    }

    /// <summary>
    /// Trains <paramref name="encoder"/> (modified in place) with a fresh head on <paramref name="train"/> and evaluates
    /// on <paramref name="test"/> after every epoch.
    /// </summary>
    /// <param name="encoder">The pretrained encoder.</param>
    /// <param name="train">Tokenized training texts.</param>
    /// <param name="test">Tokenized held-out texts.</param>
    /// <param name="options">Hyperparameters.</param>
    /// <param name="progress">Called after every step (and cache/eval batch).</param>
    /// <param name="cache">Head mode only: the pooled hidden states of <paramref name="train"/> and <paramref name="test"/>
    /// already computed with this encoder by <see cref="PooledEmbeddings.Compute"/> (they are computed when null).</param>
    /// <param name="cancellation">Stops between steps.</param>
    /// <param name="optimizerFactory">Replaces the optimizer preset and its schedule: given the trainable parameters as
    /// parameter-group plans (one plan <c>trainable</c> with every trainable parameter in state_dict order; in LoRA mode with
    /// <see cref="TextFineTuneOptions.LoraPlusRatio"/>, the LoRA+ groups of <see cref="ParameterGroups.LoraPlus"/>) and the
    /// total number of steps, returns the optimizer and a schedule stepped after every optimizer step (null for none).
    /// Used by the lab, whose specs choose the optimizer.</param>
    /// <param name="dataParallel">Makes this process one rank of a data-parallel job (see the remarks); null (default): one
    /// process. It must implement <see cref="IDataParallel"/>.</param>
    public static FineTuneResult Run(
        BertModel encoder, TokenizedTexts train, TokenizedTexts test, TextFineTuneOptions options,
        Action<FineTuneProgress>? progress = null, PooledEmbeddings? cache = null, CancellationToken cancellation = default,
        Func<IReadOnlyList<ParameterGroupPlan>, int, (Optimizer Optimizer, LearningRateScheduler? Scheduler)>? optimizerFactory = null,
        LearnerCallback? dataParallel = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Mode == FineTuneMode.TopK && options.TopK > encoder.Config.NumLayers)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.TopK, $"TopK must be in [1, {encoder.Config.NumLayers}]");
        }

        if (train.Count == 0 || test.Count == 0)
        {
            throw new ArgumentException("need at least one training and one held-out text");
        }

        options.Validate();
        CheckDataParallel(dataParallel, train, options);
        if (options.Mode == FineTuneMode.Head)
        {
            return RunHead(encoder, train, test, options, progress, cache, cancellation, optimizerFactory).Result;
        }

        if (options.IsPlainHead && options.HeadInit == HeadInit.Random)
        {
            var classifier = new BertClassifier(encoder, 2, new Rng(options.Seed ^ HeadSeed), options.EffectiveHeadDropout);
            return RunEncoder(classifier, classifier.Bert, classifier.Forward, "classifier.", train, test, options, progress, cancellation, optimizerFactory,
                dataParallel);
        }

        var (model, probe, cacheSeconds) = CreateLayerPooledClassifier(encoder, train, test, options, progress, cache, cancellation);
        return RunEncoder(model, model.Bert, model.Forward, "head.", train, test, options, progress, cancellation, optimizerFactory, dataParallel) with
        {
            CacheSeconds = cacheSeconds,
            Probe = probe,
        };
    }

    /// <summary>
    /// The classifier top-k and full mode train for <paramref name="options"/>' features and head
    /// (<see cref="LayerPooledClassifier"/>), before any fine-tuning: the standardization (if the features ask for it)
    /// fitted on the pretrained encoder's features of <paramref name="train"/>, and the head either fresh or, for
    /// <see cref="HeadInit.Probe"/> (LP-FT), trained on those frozen features exactly as head mode would with
    /// <see cref="TextFineTuneOptions.ProbeOptions"/>() — that run's result is returned too (evaluated on <paramref name="test"/>).
    /// The cache of pooled features is computed when needed and not given.
    /// </summary>
    public static (LayerPooledClassifier Model, FineTuneResult? Probe, double CacheSeconds) CreateLayerPooledClassifier(
        BertModel encoder, TokenizedTexts train, TokenizedTexts test, TextFineTuneOptions options,
        Action<FineTuneProgress>? progress = null, PooledEmbeddings? cache = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var width = options.Features.Dimension(encoder.Config.HiddenSize, encoder.Config.NumLayers);
        if (options.HeadInit == HeadInit.Probe)
        {
            var (probe, head, standardizer) = RunHead(encoder, train, test, options.ProbeOptions(), progress, cache, cancellation, null, freeze: false);
            return (new LayerPooledClassifier(encoder, options.Features, head, standardizer), probe, probe.CacheSeconds);
        }

        if (!options.Features.Standardize)
        {
            return (new LayerPooledClassifier(encoder, options.Features, CreateHead(width, options)), null, 0);
        }

        cache ??= PooledEmbeddings.Compute(encoder, train, test, options.EvalBatchSize, progress, cancellation);
        var fitted = FeatureStandardizer.Fit(cache.Train.Select(options.Features));
        return (new LayerPooledClassifier(encoder, options.Features, CreateHead(width, options), fitted), null, cache.Seconds);
    }

    /// <summary>
    /// A freshly initialized head-only classifier on <paramref name="inputs"/> features (<see cref="TextFineTuneOptions.Head"/>):
    /// <c>0</c> dropout, <c>1</c> linear to 2 classes; or <c>0</c> dropout, <c>1</c> linear to
    /// <see cref="TextFineTuneOptions.HeadHiddenSize"/>, <c>2</c> GELU, <c>3</c> dropout, <c>4</c> linear to 2 classes. The
    /// weights and dropout masks come from one generator seeded from <see cref="TextFineTuneOptions.Seed"/> (for a linear head on
    /// the sentence embedding exactly as <see cref="BertClassifier"/>'s head in the other modes).
    /// </summary>
    public static Sequential CreateHead(int inputs, TextFineTuneOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentNullException.ThrowIfNull(options);
        var rng = new Rng(options.Seed ^ HeadSeed);
        var p = options.EffectiveHeadDropout;
        return options.Head == ClassifierHead.Mlp
            ? new Sequential(new Dropout(p, rng), new Linear(inputs, options.HeadHiddenSize, rng), new Gelu(), new Dropout(p, rng),
                new Linear(options.HeadHiddenSize, 2, rng))
            : new Sequential(new Dropout(p, rng), new Linear(inputs, 2, rng));
    }

    /// <summary>Refuses a data-parallel callback that is not an <see cref="IDataParallel"/>, head mode on several ranks (a head
    /// on cached features, not worth splitting), and a global batch that would leave a rank without texts.</summary>
    private static void CheckDataParallel(LearnerCallback? dataParallel, TokenizedTexts train, TextFineTuneOptions options)
    {
        if (dataParallel is null)
        {
            return;
        }

        if (dataParallel is not IDataParallel { Ranks: var ranks })
        {
            throw new ArgumentException($"the data-parallel callback must implement {nameof(IDataParallel)}", nameof(dataParallel));
        }

        if (ranks == 1)
        {
            return;
        }

        if (options.Mode == FineTuneMode.Head)
        {
            throw new ArgumentException(
                $"head mode trains only a small head on features cached in one pass of the encoder; it does not run data-parallel on {ranks} ranks: run it in one process");
        }

        var last = train.Count % options.BatchSize;
        if (options.BatchSize < ranks || (last > 0 && last < ranks))
        {
            throw new ArgumentException(options.BatchSize < ranks
                ? $"{ranks} ranks split every batch of {options.BatchSize} texts, leaving some without any: use a batch size of at least {ranks}"
                : $"the last batch of an epoch holds {last} of the {train.Count} training texts (batches of {options.BatchSize}), fewer than the {ranks} ranks that split it: "
                  + $"use a training set or a batch size whose remainder is 0 or at least {ranks}");
        }
    }

    private static FineTuneResult RunEncoder(
        Module model, BertModel bert, Func<BertInput, Tensor> forward, string headPrefix, TokenizedTexts train, TokenizedTexts test,
        TextFineTuneOptions options, Action<FineTuneProgress>? progress, CancellationToken cancellation,
        Func<IReadOnlyList<ParameterGroupPlan>, int, (Optimizer Optimizer, LearningRateScheduler? Scheduler)>? optimizerFactory,
        LearnerCallback? dataParallel)
    {
        var (rank, ranks) = dataParallel is IDataParallel p ? (p.Rank, p.Ranks) : (0, 1);
        var config = bert.Config;
        var trainable = options.Mode is FineTuneMode.Full or FineTuneMode.Lora ? config.NumLayers : options.TopK;
        if (options.Mode == FineTuneMode.Lora)
        {
            LoraAdapters.Apply(model, options.Lora with { ModulesToSave = [headPrefix.TrimEnd('.')], Seed = options.Lora.Seed ^ options.Seed });
        }

        if (options.Mode == FineTuneMode.TopK)
        {
            FineTuning.Freeze(model, "bert.*");
            var patterns = Enumerable.Range(config.NumLayers - trainable, trainable).Select(i => $"bert.encoder.layer.{i}.*").Append("bert.pooler.*");
            FineTuning.Unfreeze(model, [.. patterns]);
        }

        var stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        var totalSteps = stepsPerEpoch * options.Epochs;
        var (optimizer, scheduler) = Setup(model, name => name.StartsWith(headPrefix, StringComparison.Ordinal), options, totalSteps, optimizerFactory);
        ParameterArena.Flatten(optimizer.Groups.SelectMany(g => g.Parameters)); // gradients reused, fused updates
        var shuffle = new Rng(options.Seed ^ 0x5AFF_1E00UL);
        var order = Enumerable.Range(0, train.Count).ToArray();
        var epochs = new List<FineTuneEpoch>();
        var workspace = new BatchWorkspace();
        var clock = new Stopwatch();
        double flops = 0, batchFlops = 0, lossSum = 0;
        long tokens = 0, batchTokens = 0;
        var done = 0;
        var batches = 0;

        IEnumerable<(BertInput, int[])> Batches(int epoch)
        {
            shuffle.Shuffle(order.AsSpan());
            train.GroupByLength(order, options.BatchSize, options.LengthWindow, shuffle);
            for (var step = 0; step < stepsPerEpoch; step++)
            {
                var (input, labels, count, batchTokensOf, batchFlopsOf) = Batch(train, order, step, options.BatchSize, rank, ranks, config, trainable);
                batchTokens = batchTokensOf;
                batchFlops = batchFlopsOf;
                done = (step * options.BatchSize) + count;
                yield return (input, labels);
            }
        }

        // Data parallel: the callback first (it makes the loss the global batch's in AfterBackward), the divergence check
        // after it on that loss; train_loss is the mean of the global batch losses, as one process computes it.
        List<LearnerCallback> callbacks =
        [
            new ActionCallback(LearnerEvent.BeforeEpoch, _ =>
            {
                bert.Train(options.EffectiveEncoderDropout);
                clock.Restart();
                flops = 0;
                tokens = 0;
                lossSum = 0;
                batches = 0;
            }),
        ];
        if (dataParallel is not null)
        {
            callbacks.Add(dataParallel);
        }

        callbacks.Add(Divergence("fine-tuning", options, dataParallel is not null));
        callbacks.Add(new ActionCallback(LearnerEvent.AfterBatch, l =>
        {
            tokens += batchTokens;
            flops += batchFlops;
            lossSum += l.Loss;
            batches++;
            progress?.Invoke(new FineTuneProgress("train", l.Epoch + 1, done, train.Count, tokens, clock.Elapsed.TotalSeconds, l.EpochLoss, l.Loss));
        }));
        callbacks.Add(new ActionCallback(LearnerEvent.AfterEpoch, l =>
        {
            var seconds = clock.Elapsed.TotalSeconds;
            var evalClock = Stopwatch.StartNew();
            // Evaluation decides nothing in training, so under data parallelism rank 0 alone evaluates (and reports).
            var predictions = rank == 0 ? Predict(model, forward, test, options.EvalBatchSize, l.Epoch + 1, progress, cancellation, workspace) : null;
            var trainLoss = dataParallel is null ? l.Metrics[Learner.TrainLossMetric] : lossSum / batches;
            epochs.Add(MakeEpoch(l.Epoch + 1, trainLoss, test, predictions, seconds, evalClock.Elapsed.TotalSeconds, train.Count, tokens, flops));
        }));
        var learner = new Learner<BertInput, int[]>(model, optimizer, forward, new CrossEntropyLoss().Forward,
            new LearnerOptions { MaxGradNorm = options.MaxGradNorm })
        {
            Scheduler = scheduler,
            BatchScope = workspace.Begin,
            Cancellation = cancellation,
            // A rank's gradient is weighted by its shard's share of the global batch.
            SampleCount = dataParallel is null ? null : labels => labels.Length,
            Callbacks = callbacks,
        };
        learner.Fit(options.Epochs, Batches, stepsPerEpoch);
        return Result(options, train, test, model.TrainableParameterCount(), totalSteps, 0, epochs) with
        {
            OptimizerStateBytes = optimizer.StateBytes,
        };
    }

    /// <summary>Batch <paramref name="step"/> of an epoch in <paramref name="order"/>: this rank's shard of it (the padded
    /// input and its labels; the whole batch for one rank), the whole batch's size, its real tokens and its training FLOPs
    /// (each shard padded to its own longest text).</summary>
    private static (BertInput Input, int[] Labels, int Count, long Tokens, double Flops) Batch(TokenizedTexts texts, int[] order, int step, int batchSize,
        int rank, int ranks, BertConfig config, int trainable)
    {
        var indices = order.AsSpan(step * batchSize, Math.Min(batchSize, texts.Count - (step * batchSize)));
        long tokens = 0;
        double flops = 0;
        for (var r = 0; r < ranks; r++)
        {
            var (start, count) = DataLoader.ShardRange(indices.Length, r, ranks);
            var length = 0;
            foreach (var i in indices.Slice(start, count))
            {
                length = Math.Max(length, texts.Ids(i).Length);
                tokens += texts.Ids(i).Length;
            }

            flops += EncoderFlops.TrainingStep(config, count, length, trainable);
        }

        var (from, rows) = DataLoader.ShardRange(indices.Length, rank, ranks);
        var mine = indices.Slice(from, rows);
        return (texts.Batch(mine, out _), texts.LabelsOf(mine), indices.Length, tokens, flops);
    }

    /// <summary>Stops the run at the first NaN or infinite training loss, before its update, with a
    /// <see cref="FineTuneDivergedException"/> naming <paramref name="stage"/>, the 1-based epoch and step of the epoch.</summary>
    private static DivergenceDetection Divergence(string stage, TextFineTuneOptions options, bool dataParallel = false) => new()
    {
        // Data parallel: on the global batch's loss, after the gradients' all-reduce, so that every rank stops at the same step.
        LossEvent = dataParallel ? LearnerEvent.AfterBackward : LearnerEvent.AfterLoss,
        CreateException = d => new FineTuneDivergedException(stage, d.Epoch + 1, d.Batch + 1, (float)d.Loss,
            options.EffectiveLearningRate, options.EffectiveHeadLearningRate),
    };

    private static (FineTuneResult Result, Sequential Head, FeatureStandardizer? Standardizer) RunHead(
        BertModel encoder, TokenizedTexts train, TokenizedTexts test, TextFineTuneOptions options,
        Action<FineTuneProgress>? progress, PooledEmbeddings? cache, CancellationToken cancellation,
        Func<IReadOnlyList<ParameterGroupPlan>, int, (Optimizer Optimizer, LearningRateScheduler? Scheduler)>? optimizerFactory, bool freeze = true)
    {
        if (freeze)
        {
            FineTuning.Freeze(encoder, "*");
        }

        var cacheClock = Stopwatch.StartNew();
        cache ??= PooledEmbeddings.Compute(encoder, train, test, options.EvalBatchSize, progress, cancellation);
        var cacheSeconds = cacheClock.Elapsed.TotalSeconds;
        if (cache.Train.Count != train.Count || cache.Test.Count != test.Count
            || cache.Train.States != encoder.Config.NumLayers + 1 || cache.Train.HiddenSize != encoder.Config.HiddenSize)
        {
            throw new ArgumentException("the embedding cache does not match the texts or the encoder", nameof(cache));
        }

        var trainFeatures = cache.Train.Select(options.Features);
        var testFeatures = cache.Test.Select(options.Features);
        FeatureStandardizer? standardizer = null;
        if (options.Features.Standardize)
        {
            standardizer = FeatureStandardizer.Fit(trainFeatures);
            trainFeatures = standardizer.Transform(trainFeatures);
            testFeatures = standardizer.Transform(testFeatures);
        }

        var width = trainFeatures.Shape[1];
        var head = CreateHead(width, options);
        var stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        var totalSteps = stepsPerEpoch * options.Epochs;
        var (optimizer, scheduler) = Setup(head, _ => true, options, totalSteps, optimizerFactory);
        var shuffle = new Rng(options.Seed ^ 0x5AFF_1E00UL);
        var order = Enumerable.Range(0, train.Count).ToArray();
        var epochs = new List<FineTuneEpoch>();
        var clock = new Stopwatch();
        var done = 0;

        IEnumerable<(Tensor, int[])> Batches(int epoch)
        {
            shuffle.Shuffle(order.AsSpan());
            for (var step = 0; step < stepsPerEpoch; step++)
            {
                var start = step * options.BatchSize;
                var count = Math.Min(options.BatchSize, train.Count - start);
                var x = new Tensor(count, width);
                for (var i = 0; i < count; i++)
                {
                    trainFeatures.Span.Slice(order[start + i] * width, width).CopyTo(x.Span.Slice(i * width, width));
                }

                done = start + count;
                yield return (x, train.LabelsOf(order.AsSpan(start, count)));
            }
        }

        var learner = new Learner<Tensor, int[]>(head, optimizer, head.Forward, new CrossEntropyLoss().Forward,
            new LearnerOptions { MaxGradNorm = options.MaxGradNorm })
        {
            Scheduler = scheduler,
            Cancellation = cancellation,
            Callbacks =
            [
                new ActionCallback(LearnerEvent.BeforeEpoch, _ => clock.Restart()),
                Divergence("head training", options),
                new ActionCallback(LearnerEvent.AfterBatch, l =>
                    progress?.Invoke(new FineTuneProgress("train", l.Epoch + 1, done, train.Count, 0, clock.Elapsed.TotalSeconds, l.EpochLoss, l.Loss))),
                new ActionCallback(LearnerEvent.AfterEpoch, l =>
                {
                    var seconds = clock.Elapsed.TotalSeconds;
                    var evalClock = Stopwatch.StartNew();
                    head.Eval();
                    int[] predictions;
                    using (Tape.NoGrad())
                    {
                        predictions = head.Forward(testFeatures).ArgMax();
                    }

                    // Throughput and GFLOP/s of head mode are those of the encoder's single pass (the cache).
                    var epochRecord = MakeEpoch(l.Epoch + 1, l.Metrics[Learner.TrainLossMetric], test, predictions, seconds,
                        evalClock.Elapsed.TotalSeconds, train.Count, 0, 0);
                    epochs.Add(epochRecord with
                    {
                        TokensPerSecond = cache.Seconds > 0 ? (train.TokenCount + test.TokenCount) / cache.Seconds : 0,
                        GflopsPerSecond = cache.Seconds > 0 ? cache.Flops / cache.Seconds / 1e9 : 0,
                    });
                }),
            ],
        };
        learner.Fit(options.Epochs, Batches, stepsPerEpoch);
        head.Train();
        return (Result(options, train, test, head.ParameterCount(), totalSteps, cache.Seconds > 0 ? cache.Seconds : cacheSeconds, epochs) with { OptimizerStateBytes = optimizer.StateBytes }, head, standardizer);
    }

    private static FineTuneResult Result(TextFineTuneOptions options, TokenizedTexts train, TokenizedTexts test,
        long trainableParameters, int totalSteps, double cacheSeconds, List<FineTuneEpoch> epochs) => new()
    {
        Options = options,
        LearningRate = options.EffectiveLearningRate,
        HeadLearningRate = options.EffectiveHeadLearningRate,
        TrainCount = train.Count,
        TestCount = test.Count,
        TrainTokens = train.TokenCount,
        TrainableParameters = trainableParameters,
        Steps = totalSteps,
        CacheSeconds = cacheSeconds,
        Epochs = epochs,
    };

    /// <summary>Class predictions (argmax of the logits) for every text, in order, in eval mode without gradients.</summary>
    public static int[] Predict(BertClassifier model, TokenizedTexts texts, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Predict(model, model.Forward, texts, batchSize, 0, null, CancellationToken.None, new BatchWorkspace());
    }

    /// <summary>Class predictions of a <see cref="LayerPooledClassifier"/> for every text, in order, in eval mode without gradients.</summary>
    public static int[] Predict(LayerPooledClassifier model, TokenizedTexts texts, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Predict(model, model.Forward, texts, batchSize, 0, null, CancellationToken.None, new BatchWorkspace());
    }

    private static int[] Predict(Module model, Func<BertInput, Tensor> forward, TokenizedTexts texts, int batchSize, int epoch,
        Action<FineTuneProgress>? progress, CancellationToken cancellation, BatchWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var wasTraining = model.IsTraining;
        model.Eval();
        var result = new int[texts.Count];
        var all = texts.LongestFirst();
        var clock = Stopwatch.StartNew();
        long tokens = 0;
        using (Tape.NoGrad())
        {
            for (var start = 0; start < texts.Count; start += batchSize)
            {
                cancellation.ThrowIfCancellationRequested();
                var indices = all.AsSpan(start, Math.Min(batchSize, texts.Count - start));
                var input = texts.Batch(indices, out var batchTokens);
                using (workspace.Begin(input))
                {
                    var predicted = forward(input).ArgMax();
                    for (var i = 0; i < indices.Length; i++)
                    {
                        result[indices[i]] = predicted[i];
                    }
                }

                tokens += batchTokens;
                progress?.Invoke(new FineTuneProgress("eval", epoch, start + indices.Length, texts.Count, tokens, clock.Elapsed.TotalSeconds, double.NaN, double.NaN));
            }
        }

        model.Train(wasTraining);
        return result;
    }

    /// <summary>An epoch's record; without <paramref name="predictions"/> (a data-parallel rank other than 0, which does not
    /// evaluate) the held-out metrics are NaN.</summary>
    private static FineTuneEpoch MakeEpoch(int epoch, double loss, TokenizedTexts test, int[]? predictions, double trainSeconds,
        double evalSeconds, int texts, long tokens, double flops)
    {
        var metrics = predictions is null ? null : BinaryClassificationMetrics.FromPredictions(test.Labels, predictions);
        using var process = Process.GetCurrentProcess();
        return new FineTuneEpoch
        {
            Epoch = epoch,
            TrainLoss = loss,
            Accuracy = metrics?.Accuracy ?? double.NaN,
            Precision = metrics?.Precision ?? double.NaN,
            Recall = metrics?.Recall ?? double.NaN,
            F1 = metrics?.F1 ?? double.NaN,
            TrainSeconds = trainSeconds,
            EvalSeconds = evalSeconds,
            TextsPerSecond = trainSeconds > 0 ? texts / trainSeconds : 0,
            TokensPerSecond = trainSeconds > 0 ? tokens / trainSeconds : 0,
            GflopsPerSecond = trainSeconds > 0 ? flops / trainSeconds / 1e9 : 0,
            PeakWorkingSetBytes = process.PeakWorkingSet64,
            GcHeapBytes = GC.GetTotalMemory(false),
        };
    }

    private static (Optimizer Optimizer, LearningRateScheduler? Scheduler) Setup(Module model, Func<string, bool> isHead, TextFineTuneOptions options,
        int totalSteps, Func<IReadOnlyList<ParameterGroupPlan>, int, (Optimizer Optimizer, LearningRateScheduler? Scheduler)>? optimizerFactory)
    {
        if (optimizerFactory is not null)
        {
            var trainable = model.NamedParameters().Where(p => p.Parameter.RequiresGrad).ToList();
            IReadOnlyList<ParameterGroupPlan> plans = options.Mode == FineTuneMode.Lora && options.LoraPlusRatio is { } ratio
                ? ParameterGroups.LoraPlus(trainable, ratio)
                : [new ParameterGroupPlan("trainable", trainable, 1, false)];
            return optimizerFactory(plans, totalSteps);
        }

        var optimizer = CreateOptimizer(model, isHead, options);
        return (optimizer, CreateSchedule(optimizer, options, totalSteps));
    }

    /// <summary>The preset optimizer over <paramref name="model"/>'s trainable parameters; those named <paramref name="isHead"/>
    /// get the head learning rate.</summary>
    private static Optimizer CreateOptimizer(Module model, Func<string, bool> isHead, TextFineTuneOptions options)
    {
        var lr = options.EffectiveLearningRate;
        var headLr = options.EffectiveHeadLearningRate;
        double Lr(string name) => isHead(name) ? headLr : options.LoraPlusRatio is { } ratio && LoraAdapters.IsLoraB(name) ? ratio * lr : lr;
        static IEnumerable<(IEnumerable<Parameter> Parameters, T Options)> Trainable<T>(IReadOnlyList<(IEnumerable<Parameter> Parameters, T Options)> groups) =>
            groups.Select(g => (Parameters: (IEnumerable<Parameter>)g.Parameters.Where(p => p.RequiresGrad).ToList(), g.Options))
                .Where(g => g.Parameters.Any());
        return options.Optimizer switch
        {
            FineTuneOptimizer.AdamW => new AdamW(Trainable(FineTuning.Groups(model, name => new AdamWOptions
            {
                LearningRate = Lr(name),
                WeightDecay = FineTuning.IsNoDecay(model, name) ? 0 : options.WeightDecay,
            }))),
            FineTuneOptimizer.Adam => new Adam(Trainable(FineTuning.Groups(model, name => new AdamOptions { LearningRate = Lr(name) }))),
            _ => new Sgd(Trainable(FineTuning.Groups(model, name => new SgdOptions { LearningRate = Lr(name), Momentum = 0.9 }))),
        };
    }

    /// <summary>Linear warmup from 0 over the first steps, then linear decay to 0 (Hugging Face's linear schedule).</summary>
    private static LambdaScheduler CreateSchedule(Optimizer optimizer, TextFineTuneOptions options, int totalSteps)
    {
        var warmup = (int)(options.WarmupFraction * totalSteps);
        return new LambdaScheduler(optimizer, step => step < warmup
            ? step / (double)Math.Max(1, warmup)
            : Math.Max(0, (totalSteps - step) / (double)Math.Max(1, totalSteps - warmup)));
    }
}
