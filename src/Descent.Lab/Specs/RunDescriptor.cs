using System.Globalization;

namespace Descent.Lab.Specs;

/// <summary>One run of an experiment: a configuration and a seed.</summary>
/// <param name="Configuration">The configuration.</param>
/// <param name="Seed">The seed.</param>
public sealed record RunDescriptor(RunConfiguration Configuration, int Seed)
{
    /// <summary>The run's identity in the store: configuration key and seed.</summary>
    public string Key => $"{Configuration.Key} #seed={Seed.ToString(CultureInfo.InvariantCulture)}";
}
