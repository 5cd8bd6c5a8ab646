namespace Descent.Lab.Specs;

/// <summary>
/// How long each run trains (<c>$.budget</c>): a number of epochs or of optimizer steps (exactly one). For
/// full-batch tasks (regression, 2-D functions) an epoch is one step.
/// </summary>
/// <param name="Epochs">Passes over the training data, or null.</param>
/// <param name="Steps">Optimizer steps, or null.</param>
public sealed record BudgetSpec(int? Epochs, int? Steps);
