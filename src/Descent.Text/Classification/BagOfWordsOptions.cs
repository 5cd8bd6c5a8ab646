namespace Descent.Text.Classification;

/// <summary>Options of <see cref="BagOfWordsVectorizer"/>; each property validates itself.</summary>
public sealed record BagOfWordsOptions
{
    /// <summary>A term is kept only if it occurs in at least this many training documents (default 2, ≥ 1).</summary>
    public int MinDocumentFrequency
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MinDocumentFrequency), value, "MinDocumentFrequency must be ≥ 1");
    } = 2;

    /// <summary>At most this many terms, the most frequent by document frequency (ties: ordinal order); default 20,000, ≥ 1.</summary>
    public int MaxFeatures
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxFeatures), value, "MaxFeatures must be ≥ 1");
    } = 20_000;

    /// <summary>Term weighting (default <see cref="TermWeighting.TfIdf"/>).</summary>
    public TermWeighting Weighting
    {
        get;
        init => field = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(Weighting), value, "Weighting must be Binary, TermFrequency or TfIdf");
    } = TermWeighting.TfIdf;

    /// <summary>Replace a count tf by 1 + ln tf (default true; ignored for <see cref="TermWeighting.Binary"/>).</summary>
    public bool SublinearTf { get; init; } = true;

    /// <summary>Scale each document vector to unit L2 norm (default true).</summary>
    public bool L2Normalize { get; init; } = true;
}
