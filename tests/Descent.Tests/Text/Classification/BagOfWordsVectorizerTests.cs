using Descent.Text.Classification;

namespace Descent.Tests.Text.Classification;

public sealed class BagOfWordsVectorizerTests
{
    private static readonly string[] Docs = ["The cat sat.", "the CAT ran fast", "a dog ran"];

    [Fact]
    public void TokenizesLowerCasedWordsOfAtLeastTwoCharacters()
    {
        Assert.Equal(["hello", "world", "42", "über", "alles", "ab"], BagOfWordsVectorizer.Tokenize("Hello, WORLD! x 42 Über_alles a-b ab"));
        Assert.Empty(BagOfWordsVectorizer.Tokenize(" . , a "));
    }

    [Fact]
    public void VocabularyIsOrderedByDocumentFrequencyThenOrdinally()
    {
        var v = BagOfWordsVectorizer.Fit(Docs, new BagOfWordsOptions { MinDocumentFrequency = 1 });
        Assert.Equal(["cat", "ran", "the", "dog", "fast", "sat"], v.Vocabulary);
        Assert.Equal(3, v.DocumentCount);
        // idf = ln((1 + n) / (1 + df)) + 1 with n = 3: df 2 → ln(4/3) + 1, df 1 → ln 2 + 1.
        Assert.Equal(1.2876820724517808f, v.InverseDocumentFrequencies[0]);
        Assert.Equal(1.6931471805599454f, v.InverseDocumentFrequencies[5]);
        Assert.Equal(2, v.IndexOf("the"));
        Assert.Equal(-1, v.IndexOf("a"));

        Assert.Equal(["cat", "ran", "the"], BagOfWordsVectorizer.Fit(Docs).Vocabulary); // min df 2 by default
        Assert.Equal(["cat", "ran"], BagOfWordsVectorizer.Fit(Docs, new BagOfWordsOptions { MaxFeatures = 2 }).Vocabulary);
    }

    [Fact]
    public void TfIdfWithSublinearTfIsL2Normalised()
    {
        var v = BagOfWordsVectorizer.Fit(Docs, new BagOfWordsOptions { MinDocumentFrequency = 1 });
        var x = v.Transform("the cat, cat! unknown");
        Assert.Equal([0, 2], x.Indices);
        // cat: (1 + ln 2)·idf₂, the: 1·idf₂, then divided by the L2 norm.
        Assert.Equal(0.8610369959439765, x.Values[0], 6);
        Assert.Equal(0.5085423203783268, x.Values[1], 6);

        var linear = BagOfWordsVectorizer.Fit(Docs, new BagOfWordsOptions { MinDocumentFrequency = 1, SublinearTf = false }).Transform("the cat cat");
        Assert.Equal(0.8944271909999159, linear.Values[0], 6); // 2 / √5
        Assert.Equal(0.4472135954999579, linear.Values[1], 6); // 1 / √5
    }

    [Fact]
    public void BinaryAndRawCounts()
    {
        var binary = BagOfWordsVectorizer.Fit(Docs, new BagOfWordsOptions { Weighting = TermWeighting.Binary }).Transform("cat cat the");
        Assert.Equal([0, 2], binary.Indices);
        Assert.Equal([MathF.Sqrt(0.5f), MathF.Sqrt(0.5f)], binary.Values);

        var counts = BagOfWordsVectorizer.Fit(Docs, new BagOfWordsOptions { Weighting = TermWeighting.TermFrequency, SublinearTf = false, L2Normalize = false })
            .Transform("ran cat cat the cat");
        Assert.Equal([0, 1, 2], counts.Indices);
        Assert.Equal([3f, 1f, 1f], counts.Values);

        var empty = BagOfWordsVectorizer.Fit(Docs).Transform("nothing known here");
        Assert.Equal(0, empty.Count);
    }

    [Fact]
    public void OptionsValidateThemselves()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BagOfWordsOptions { MinDocumentFrequency = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new BagOfWordsOptions { MaxFeatures = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new BagOfWordsOptions { Weighting = (TermWeighting)7 });
        Assert.Throws<ArgumentException>(() => new SparseFeatures([2, 1], [1f, 1f]));
    }
}
