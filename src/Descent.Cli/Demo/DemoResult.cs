namespace Descent.Cli.Demo;

/// <summary>Everything <see cref="DemoExperiment.Run"/> produced.</summary>
/// <param name="Settings">The settings it ran with.</param>
/// <param name="OutputDirectory">The absolute output folder.</param>
/// <param name="Sections">The two experiments: linear regression, then the MLP.</param>
/// <param name="LossTablePath">The CSV file with every loss of every run (experiment, optimizer, step, loss).</param>
public sealed record DemoResult(DemoSettings Settings, string OutputDirectory, IReadOnlyList<DemoSection> Sections, string LossTablePath);
