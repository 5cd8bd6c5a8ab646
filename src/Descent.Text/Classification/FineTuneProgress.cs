namespace Descent.Text.Classification;

/// <summary>Progress of <see cref="TextClassifierFineTuner"/>, reported after every step.</summary>
/// <param name="Phase">What runs: <c>cache</c> (head mode's embeddings), <c>train</c> or <c>eval</c>.</param>
/// <param name="Epoch">1-based epoch (0 while caching).</param>
/// <param name="Done">Texts done in this phase.</param>
/// <param name="Total">Texts in this phase.</param>
/// <param name="Tokens">Real tokens done in this phase.</param>
/// <param name="Seconds">Seconds since the phase began.</param>
/// <param name="Loss">Mean training loss so far in the epoch (NaN outside training).</param>
/// <param name="StepLoss">The loss of the step just taken (NaN outside training).</param>
public readonly record struct FineTuneProgress(string Phase, int Epoch, int Done, int Total, long Tokens, double Seconds, double Loss, double StepLoss);
