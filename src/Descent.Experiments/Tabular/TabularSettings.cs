using Descent.Lab.Tasks;

namespace Descent.Experiments.Tabular;

/// <summary>The settings the <c>csv</c> and <c>idx</c> kinds share (<see cref="CsvSettings"/>, <see cref="IdxSettings"/>).</summary>
/// <param name="Model"><c>model</c>: the MLP.</param>
/// <param name="Standardize"><c>standardize</c>: inputs scaled to zero mean and unit variance with the training split's
/// statistics.</param>
/// <param name="ValidationFraction"><c>validation_fraction</c>: the share of the training rows held out for validation
/// (by each run's seed) when no validation file is named.</param>
/// <param name="Init"><c>init</c>: a safetensors checkpoint of the model every run starts from (absolute path), or null.</param>
public abstract record TabularSettings(TabularModel Model, bool Standardize, double ValidationFraction, string? Init) : TaskSettings
{
    /// <summary>The default <c>validation_fraction</c>.</summary>
    public const double DefaultValidationFraction = 0.2;

    /// <summary>The default <c>batch_size</c>.</summary>
    public const int DefaultBatchSize = 64;

    /// <summary>The data files (absolute paths), by their spec key, in the order the fingerprint lists them.</summary>
    public abstract IReadOnlyList<(string Key, string Path)> Files { get; }

    /// <summary>Whether validation comes from named files rather than a split of the training data.</summary>
    public abstract bool HasValidationFiles { get; }
}
