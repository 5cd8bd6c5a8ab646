namespace Descent.Experiments.Transfer;

/// <summary>Which layers of a pretrained <see cref="SmallCnn"/> <see cref="FashionTransfer.CreateFineTuned"/> copies;
/// the others keep the initialization of the network trained from scratch (the head always starts fresh).</summary>
public enum TransferredLayers
{
    /// <summary>The convolutional feature extractor (<see cref="SmallCnn.Convolutional"/>: both convolutions and the
    /// BatchNorm); the hidden Linear layer, the most source-specific one, starts as in the scratch network. The
    /// default: chosen on the validation split (README, "Fine-tuning").</summary>
    Convolutional,

    /// <summary>Everything but the head (<see cref="SmallCnn.Body"/>), the hidden Linear layer included.</summary>
    Body,
}
