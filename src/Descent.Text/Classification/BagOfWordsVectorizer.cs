using System.Text;

namespace Descent.Text.Classification;

/// <summary>
/// Bag-of-words features: a vocabulary fitted on training documents only, then sparse, L2-normalised binary, tf or
/// tf-idf vectors (see <see cref="BagOfWordsOptions"/>, <see cref="TermWeighting"/>).
/// </summary>
/// <remarks>
/// Tokens (<see cref="Tokenize"/>) are maximal runs of Unicode letters and digits, lower-cased (invariant), of at least
/// two characters — scikit-learn's default <c>token_pattern</c> <c>(?u)\b\w\w+\b</c> without the underscore. The
/// vocabulary keeps the terms with document frequency ≥ <see cref="BagOfWordsOptions.MinDocumentFrequency"/>, at most
/// <see cref="BagOfWordsOptions.MaxFeatures"/> of them by decreasing document frequency (ties in ordinal order); feature
/// i is the i-th term of that order. The idf is ln((1 + n) / (1 + df)) + 1 over the n training documents. Unknown terms
/// are ignored; a document without known terms is the zero vector.
/// </remarks>
public sealed class BagOfWordsVectorizer
{
    private readonly Dictionary<string, int> index;
    private readonly float[] idf;
    private readonly string[] vocabulary;

    private BagOfWordsVectorizer(BagOfWordsOptions options, string[] vocabulary, float[] idf, int documentCount)
    {
        Options = options;
        this.vocabulary = vocabulary;
        this.idf = idf;
        DocumentCount = documentCount;
        index = new Dictionary<string, int>(vocabulary.Length, StringComparer.Ordinal);
        for (var i = 0; i < vocabulary.Length; i++)
        {
            index[vocabulary[i]] = i;
        }
    }

    /// <summary>The options it was fitted with.</summary>
    public BagOfWordsOptions Options { get; }

    /// <summary>The terms, by feature index.</summary>
    public IReadOnlyList<string> Vocabulary => vocabulary;

    /// <summary>The inverse document frequencies, by feature index.</summary>
    public IReadOnlyList<float> InverseDocumentFrequencies => idf;

    /// <summary>Number of features (vocabulary size).</summary>
    public int FeatureCount => vocabulary.Length;

    /// <summary>Number of documents it was fitted on.</summary>
    public int DocumentCount { get; }

    /// <summary>Fits the vocabulary and idf on <paramref name="documents"/> (the training split only).</summary>
    public static BagOfWordsVectorizer Fit(IEnumerable<string> documents, BagOfWordsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(documents);
        options ??= new BagOfWordsOptions();
        var df = new Dictionary<string, int>(StringComparer.Ordinal);
        var n = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var doc in documents)
        {
            ArgumentNullException.ThrowIfNull(doc, nameof(documents));
            n++;
            seen.Clear();
            foreach (var token in Tokenize(doc))
            {
                if (seen.Add(token))
                {
                    df[token] = df.GetValueOrDefault(token) + 1;
                }
            }
        }

        var kept = df.Where(kv => kv.Value >= options.MinDocumentFrequency)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(options.MaxFeatures)
            .ToArray();
        var idf = kept.Select(kv => (float)(Math.Log((1.0 + n) / (1.0 + kv.Value)) + 1.0)).ToArray();
        return new BagOfWordsVectorizer(options, kept.Select(kv => kv.Key).ToArray(), idf, n);
    }

    /// <summary>The lower-cased word tokens of <paramref name="text"/>, in order (see the remarks).</summary>
    public static IEnumerable<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder();
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                sb.Append(char.ToLowerInvariant(text[i]));
                continue;
            }

            if (sb.Length >= 2)
            {
                yield return sb.ToString();
            }

            sb.Clear();
        }
    }

    /// <summary>The feature index of <paramref name="term"/>, or −1.</summary>
    public int IndexOf(string term)
    {
        ArgumentNullException.ThrowIfNull(term);
        return index.TryGetValue(term, out var i) ? i : -1;
    }

    /// <summary>The feature vector of one document.</summary>
    public SparseFeatures Transform(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var counts = new SortedDictionary<int, int>();
        foreach (var token in Tokenize(document))
        {
            if (index.TryGetValue(token, out var i))
            {
                counts[i] = counts.GetValueOrDefault(i) + 1;
            }
        }

        var indices = new int[counts.Count];
        var weights = new double[counts.Count];
        var k = 0;
        var sumSquares = 0.0;
        foreach (var (i, count) in counts)
        {
            double v = Options.Weighting == TermWeighting.Binary ? 1.0
                : Options.SublinearTf ? 1.0 + Math.Log(count)
                : count;
            if (Options.Weighting == TermWeighting.TfIdf)
            {
                v *= idf[i];
            }

            indices[k] = i;
            weights[k] = v;
            sumSquares += v * v;
            k++;
        }

        var scale = Options.L2Normalize && sumSquares > 0 ? 1.0 / Math.Sqrt(sumSquares) : 1.0;
        var values = new float[weights.Length];
        for (var j = 0; j < values.Length; j++)
        {
            values[j] = (float)(weights[j] * scale);
        }

        return new SparseFeatures(indices, values);
    }

    /// <summary>The feature vectors of several documents.</summary>
    public IReadOnlyList<SparseFeatures> Transform(IEnumerable<string> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return documents.Select(Transform).ToList();
    }
}
