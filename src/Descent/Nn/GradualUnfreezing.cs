namespace Descent.Nn;

/// <summary>
/// Gradual unfreezing (Howard and Ruder, ULMFiT 2018): start with only the head trainable, then unfreeze one
/// more stage every <see cref="EpochsPerStage"/> epochs, from the top of the network down. Call
/// <see cref="Apply"/> at the start of every epoch.
/// </summary>
public sealed class GradualUnfreezing
{
    private readonly string[] stages;

    /// <summary>Creates the schedule; <paramref name="stages"/> are name patterns, head first (e.g.
    /// "11.*", "8.*", "4.*", "0.*,1.*").</summary>
    public GradualUnfreezing(int epochsPerStage, params string[] stages)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochsPerStage);
        ArgumentNullException.ThrowIfNull(stages);
        if (stages.Length == 0)
        {
            throw new ArgumentException("give at least one stage", nameof(stages));
        }

        EpochsPerStage = epochsPerStage;
        this.stages = stages.ToArray();
    }

    /// <summary>Epochs between two unfreezing steps.</summary>
    public int EpochsPerStage { get; }

    /// <summary>The stages, head first.</summary>
    public IReadOnlyList<string> Stages => stages;

    /// <summary>How many stages are trainable at <paramref name="epoch"/> (0-based).</summary>
    public int TrainableStages(int epoch) => Math.Min(stages.Length, 1 + (Math.Max(epoch, 0) / EpochsPerStage));

    /// <summary>Freezes everything, then unfreezes the stages due at <paramref name="epoch"/>; returns the
    /// trainable parameter names.</summary>
    public IReadOnlyList<string> Apply(Module model, int epoch)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var (_, p) in model.NamedParameters())
        {
            p.RequiresGrad = false;
            p.ZeroGrad();
        }

        for (var s = 0; s < TrainableStages(epoch); s++)
        {
            FineTuning.Unfreeze(model, stages[s]);
        }

        return FineTuning.TrainableNames(model);
    }
}
