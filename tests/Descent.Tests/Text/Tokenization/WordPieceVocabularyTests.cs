using System.Text;
using Descent.Text.Tokenization;

namespace Descent.Tests.Text.Tokenization;

/// <summary>Greedy longest-match-first WordPiece, as Hugging Face's WordpieceTokenizer (its docstring's example included).</summary>
public class WordPieceVocabularyTests
{
    private static readonly string[] Tokens = ["[PAD]", "[UNK]", "un", "##aff", "##able", "##a", "a", "aff", "##ff", "😀", "##😀"];

    private static WordPieceVocabulary Vocabulary()
        => WordPieceVocabulary.Read(new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', Tokens) + "\n")));

    private static string Encode(string word)
    {
        var ids = new List<int>();
        Vocabulary().Encode(word, ids);
        return string.Join(' ', ids.Select(i => Tokens[i]));
    }

    [Theory]
    [InlineData("unaffable", "un ##aff ##able")]
    [InlineData("aff", "aff")] // the whole word first
    [InlineData("aaff", "a ##aff")] // longest match from the left
    [InlineData("unx", "[UNK]")] // no complete split: the whole word is unknown
    [InlineData("😀😀", "😀 ##😀")] // a surrogate pair is one character
    public void SplitsLikeHuggingFace(string word, string expected) => Assert.Equal(expected, Encode(word));

    [Fact]
    public void WordsOverAHundredCharactersAreUnknown()
    {
        Assert.Equal("[UNK]", Encode(new string('a', 101)));
        Assert.Equal(string.Join(' ', Enumerable.Repeat("a", 1).Concat(Enumerable.Repeat("##a", 99))), Encode(new string('a', 100)));
    }

    [Fact]
    public void AVocabularyWithoutARequiredTokenIsRejected()
    {
        var e = Assert.Throws<InvalidDataException>(() => WordPieceVocabulary.Read(new MemoryStream("[UNK]\na\n"u8.ToArray()), "[CLS]"));
        Assert.Contains("[CLS]", e.Message, StringComparison.Ordinal);
    }
}
