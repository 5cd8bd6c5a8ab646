namespace Descent.Lab.Analysis;

/// <summary>The results of one configuration over its seeds.</summary>
/// <param name="Index">Configuration index (spec order).</param>
/// <param name="Label">Optimizer entry label.</param>
/// <param name="Optimizer">Optimizer CLI name.</param>
/// <param name="Description">Hyperparameters as text (<c>lr=0.001 betas=(0.9,0.999)</c>).</param>
/// <param name="Hyperparameters">Hyperparameters by name, canonical text.</param>
/// <param name="LearningRate">The configuration's lr, or null for the optimizer's default.</param>
/// <param name="Runs">Runs stored for it.</param>
/// <param name="Diverged">Runs that diverged.</param>
/// <param name="DivergenceRate">Diverged / runs.</param>
/// <param name="Final">The main metric at the end of training.</param>
/// <param name="Best">The best value of the main metric seen during training.</param>
/// <param name="Target">Steps to target, or null without a target.</param>
/// <param name="TrainableParameters">Trainable parameters of a run (the largest over its stored runs;
/// <see cref="Runs.RunResources.TrainableParameters"/>), or null when no run recorded them.</param>
/// <param name="OptimizerStateBytes">Optimizer state in bytes at the end of a run (the largest over its stored runs;
/// <see cref="Runs.RunResources.OptimizerStateBytes"/>), or null when no run recorded it.</param>
public sealed record ConfigurationSummary(
    int Index,
    string Label,
    string Optimizer,
    string Description,
    IReadOnlyDictionary<string, string> Hyperparameters,
    double? LearningRate,
    int Runs,
    int Diverged,
    double DivergenceRate,
    MetricStats Final,
    MetricStats Best,
    TargetStats? Target,
    long? TrainableParameters,
    long? OptimizerStateBytes)
{
    /// <summary>Runs stopped early by the spec's early stopping (ASHA); like diverged runs they have no final value. Omitted
    /// from <c>summary.json</c> when zero, so summaries of specs without early stopping are unchanged.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public int Stopped { get; init; }
}
