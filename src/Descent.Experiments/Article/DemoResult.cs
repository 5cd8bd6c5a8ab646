namespace Descent.Experiments.Article;

/// <summary>Everything <see cref="DemoExperiment.Run(DemoSettings, Action{string})"/> produced.</summary>
/// <param name="Settings">The settings it ran with.</param>
/// <param name="Sections">The two experiments: linear regression, then the MLP.</param>
public sealed record DemoResult(DemoSettings Settings, IReadOnlyList<DemoSection> Sections);
