using Descent.Text.Tokenization;

namespace Descent.Tests.Text.Tokenization;

/// <summary>Hugging Face BasicTokenizer's rules, one at a time.</summary>
public class BertPreTokenizerTests
{
    private static readonly BertPreTokenizer Uncased = new(lowerCase: true, ["[CLS]"]);

    [Theory]
    [InlineData("Hello, World!", "hello|,|world|!")] // lower case, punctuation split
    [InlineData("2002\nReturn-Path:\t<a@b>", "2002|return|-|path|:|<|a|@|b|>")] // newline and tab are whitespace, not dropped
    [InlineData("Café naïve", "cafe|naive")] // accents stripped (NFD, non-spacing marks)
    [InlineData("e\u0301", "e")] // combining mark
    [InlineData("東京abc", "東|京|abc")] // CJK ideographs stand alone
    [InlineData("x\u0000y\uFFFDz\u0007w\u200Bv", "xyzwv")] // NUL, U+FFFD, control and format characters dropped
    [InlineData("a\u00A0b\u2028c", "a|b|c")] // Unicode spaces and separators split
    [InlineData("$5^2", "$|5|^|2")] // ASCII symbols count as punctuation
    [InlineData("[CLS] hi", "[CLS]|hi")] // never-split tokens kept whole
    [InlineData("", "")]
    public void Splits(string text, string expected)
        => Assert.Equal(expected, string.Join('|', Uncased.Split(text)));

    [Fact]
    public void CasedKeepsCaseAndAccents()
        => Assert.Equal(["Café", "!"], new BertPreTokenizer(lowerCase: false).Split("Café!"));
}
