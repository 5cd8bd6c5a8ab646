namespace Descent.Experiments.Article;

/// <summary>Settings of the demo experiment (<see cref="DemoExperiment"/>).</summary>
/// <param name="Seed">Seed of the synthetic data and the initial weights.</param>
/// <param name="Steps">Full-batch gradient steps of every run (≥ 1).</param>
/// <param name="LearningRate">When set, replaces the learning rate of every run.</param>
public sealed record DemoSettings(int Seed, int Steps, double? LearningRate)
{
    /// <summary>Default seed.</summary>
    public const int DefaultSeed = 42;

    /// <summary>Default number of steps.</summary>
    public const int DefaultSteps = 200;
}
