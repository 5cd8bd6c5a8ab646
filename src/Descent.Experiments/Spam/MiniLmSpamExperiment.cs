using Descent.Onnx;
using Descent.Lab.Runs;
using Descent.Text;
using Descent.Text.Classification;
using Descent.Text.Data;

namespace Descent.Experiments.Spam;

/// <summary>
/// The MiniLM spam experiment: fine-tunes all-MiniLM-L6-v2 on the SpamAssassin split (<see cref="TextClassifierFineTuner"/>)
/// once per plan of the settings (<see cref="MiniLmSpamSettings.Plans"/>), each from the pretrained weights and the plan's
/// seed; head-mode plans share one embedding cache. A diverged run is reported and left out; the others still run.
/// </summary>
public sealed class MiniLmSpamExperiment
{
    private readonly OnnxModel onnx;

    private MiniLmSpamExperiment(MiniLmSpamSettings settings, OnnxModel onnx, TokenizedTexts train, TokenizedTexts test)
    {
        Settings = settings;
        this.onnx = onnx;
        Train = train;
        Test = test;
    }

    /// <summary>The settings.</summary>
    public MiniLmSpamSettings Settings { get; }

    /// <summary>The tokenized training e-mails.</summary>
    public TokenizedTexts Train { get; }

    /// <summary>The tokenized held-out e-mails.</summary>
    public TokenizedTexts Test { get; }

    /// <summary>Reads all-MiniLM-L6-v2 and tokenizes <paramref name="train"/> and <paramref name="test"/> (up to the
    /// settings' maximum length).</summary>
    public static MiniLmSpamExperiment Prepare(MiniLmSpamSettings settings, IReadOnlyList<LabeledText> train, IReadOnlyList<LabeledText> test)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        var onnx = MiniLm.ReadOnnx();
        var tokenizer = MiniLm.CreateTokenizer(settings.FineTune.MaxLength);
        var trainTexts = TokenizedTexts.Create(tokenizer, train.Select(e => e.Text).ToList(), train.Select(e => e.Label).ToList());
        var testTexts = TokenizedTexts.Create(tokenizer, test.Select(e => e.Text).ToList(), test.Select(e => e.Label).ToList());
        return new MiniLmSpamExperiment(settings, onnx, trainTexts, testTexts);
    }

    /// <summary>Runs every plan in order, reporting to <paramref name="observer"/>; returns the finished runs. With
    /// <paramref name="dataParallel"/> (an <see cref="Descent.Training.IDataParallel"/>: this process is one rank of an MPI job)
    /// every run fine-tunes data-parallel (<see cref="TextClassifierFineTuner"/>; head mode is refused).</summary>
    public IReadOnlyList<FineTuneResult> Run(IMiniLmSpamObserver observer, CancellationToken cancellation = default,
        Descent.Training.LearnerCallback? dataParallel = null)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var results = new List<FineTuneResult>();
        PooledEmbeddings? cache = null;
        foreach (var options in Settings.Plans())
        {
            var encoder = MiniLm.LoadModel(onnx, options.Seed);
            var usesCache = options.UsesPooledCache;
            if (usesCache && cache is null)
            {
                cache = observer.Phase($"{options.Label} embedding cache", p =>
                    PooledEmbeddings.Compute(encoder, Train, Test, options.EvalBatchSize, p, cancellation));
            }

            // Each run's peak working set (FineTuneEpoch.PeakWorkingSetBytes) is its own: measured from here, after the
            // shared cache, with the earlier runs' memory returned.
            PeakWorkingSetMeter.ResetProcessPeak();
            FineTuneResult result;
            try
            {
                result = observer.Phase(options.Label, p =>
                    TextClassifierFineTuner.Run(encoder, Train, Test, options, p, usesCache ? cache : null, cancellation, dataParallel: dataParallel));
            }
            catch (FineTuneDivergedException e)
            {
                observer.Diverged(options, e);
                continue;
            }

            results.Add(result);
            observer.Finished(options, result, results);
        }

        return results;
    }
}
