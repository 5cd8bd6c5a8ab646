namespace Descent.Tests.Optimizers;

/// <summary>One recorded optimizer trajectory (see <see cref="OptimizerGoldenFile"/>).</summary>
public sealed record OptimizerGoldenCase(
    string Name,
    string Optimizer,
    IReadOnlyDictionary<string, double> Hyperparameters,
    int[][] Shapes,
    float[][] ParamsInit,
    float[]?[][] Grads,
    double[][][] Params,
    IReadOnlyDictionary<string, double[]>[]? StateFinal);
