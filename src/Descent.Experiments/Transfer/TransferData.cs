using Descent.Training;

namespace Descent.Experiments.Transfer;

/// <summary>The target-task data of <see cref="FashionTransfer"/>: the few labelled training images, a
/// validation set drawn from the rest of the training split (for choosing a recipe and per-epoch monitoring), and
/// held-out test images (for the reported result only).</summary>
/// <param name="Labelled">The labelled training images (a balanced number per class).</param>
/// <param name="Validation">Validation images from the training split, disjoint from <paramref name="Labelled"/>.</param>
/// <param name="Test">Test images from the test split.</param>
public sealed record TransferData(Dataset Labelled, Dataset Validation, Dataset Test);
