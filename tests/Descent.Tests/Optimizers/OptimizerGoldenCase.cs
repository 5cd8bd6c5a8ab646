namespace Descent.Tests.Optimizers;

/// <summary>One recorded optimizer trajectory (see <see cref="OptimizerGoldenFile"/>); string hyperparameters
/// (Muon's <c>adjust_lr_fn</c>) are the optimizer's named choices.</summary>
public sealed record OptimizerGoldenCase(
    string Name,
    string Optimizer,
    IReadOnlyDictionary<string, double> Hyperparameters,
    int[][] Shapes,
    float[][] ParamsInit,
    float[]?[][] Grads,
    double[][][] Params,
    IReadOnlyDictionary<string, double[]>[]? StateFinal,
    IReadOnlyDictionary<string, string>? Choices = null);
