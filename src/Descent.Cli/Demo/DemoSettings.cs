namespace Descent.Cli.Demo;

/// <summary>Settings of <c>descent demo</c>.</summary>
/// <param name="Seed">Seed of the synthetic data and the initial weights.</param>
/// <param name="Steps">Full-batch gradient steps of every run (≥ 1).</param>
/// <param name="LearningRate">When set, replaces the learning rate of every run.</param>
/// <param name="OutputDirectory">Folder for the charts and the loss table (created if missing).</param>
public sealed record DemoSettings(int Seed, int Steps, double? LearningRate, string OutputDirectory)
{
    /// <summary>Default seed.</summary>
    public const int DefaultSeed = 42;

    /// <summary>Default number of steps.</summary>
    public const int DefaultSteps = 200;

    /// <summary>Default output folder, relative to the working directory.</summary>
    public static readonly string DefaultOutputDirectory = Path.Combine("descent-out", "demo");
}
