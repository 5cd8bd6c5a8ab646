using Descent.Experiments.Transfer;

namespace Descent.Lab.Specs;

/// <summary>
/// The <c>fashion-transfer</c> fields of <c>$.task</c> (see <see cref="Runs.FashionTransferTask"/>).
/// </summary>
/// <param name="LabelsPerClass"><c>labels_per_class</c>: labelled training images per target class (default 50).</param>
/// <param name="ValidationPerClass"><c>validation_per_class</c>: validation images per target class, from the
/// training split, fixed across seeds (default 100).</param>
/// <param name="Pretrained"><c>pretrained</c>: fine-tune the pretrained network (default true) or train the same
/// network from scratch (false).</param>
/// <param name="Weights"><c>weights</c>: pretrained weights (a safetensors file of a SmallCnn with five classes);
/// null pretrains once per experiment and caches the weights in the output folder.</param>
/// <param name="PretrainEpochs"><c>pretrain_epochs</c>: epochs of the pretraining on classes 0–4 (default 5).</param>
/// <param name="PretrainPerClass"><c>pretrain_per_class</c>: pretraining images per source class (default 6000,
/// i.e. all of them).</param>
/// <param name="Width"><c>width</c>: width multiplier of the small CNN (8w/16w channels, 32w hidden units; default 1).</param>
public sealed record TransferTaskSpec(int LabelsPerClass, int ValidationPerClass, bool Pretrained, string? Weights, int PretrainEpochs, int PretrainPerClass,
    int Width = Experiments.Transfer.SmallCnn.DefaultWidth)
{
    /// <summary>The defaults (the flagship's recipe).</summary>
    public static TransferTaskSpec Default { get; } = new(50, 100, true, null, 5, 6000);
}
