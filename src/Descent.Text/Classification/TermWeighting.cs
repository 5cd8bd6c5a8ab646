namespace Descent.Text.Classification;

/// <summary>How <see cref="BagOfWordsVectorizer"/> weights a term of a document (before L2 normalisation).</summary>
public enum TermWeighting
{
    /// <summary>1 when the term occurs, else 0.</summary>
    Binary,

    /// <summary>The term's count tf (or 1 + ln tf with <see cref="BagOfWordsOptions.SublinearTf"/>).</summary>
    TermFrequency,

    /// <summary>tf (or 1 + ln tf) × idf, idf = ln((1 + n) / (1 + df)) + 1 — scikit-learn's TfidfVectorizer with smooth_idf.</summary>
    TfIdf,
}
