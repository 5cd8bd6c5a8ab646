namespace Descent.Text.Classification;

/// <summary>How the head starts when the encoder trains too (<see cref="FineTuneMode.TopK"/>, <see cref="FineTuneMode.Full"/>).</summary>
public enum HeadInit
{
    /// <summary>Freshly initialized from the seed (the usual fine-tuning start).</summary>
    Random,

    /// <summary>
    /// LP-FT (Kumar et al. 2022, "Fine-tuning can distort pretrained features"): first the head trains on the frozen
    /// encoder's cached features exactly as <see cref="FineTuneMode.Head"/> does (a linear probe, or here the MLP head),
    /// then everything trains from that head, so fine-tuning starts at the head-only solution.
    /// </summary>
    Probe,
}
