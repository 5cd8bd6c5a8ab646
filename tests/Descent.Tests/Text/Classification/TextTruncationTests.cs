using Descent.Text;
using Descent.Text.Classification;

namespace Descent.Tests.Text.Classification;

public sealed class TextTruncationTests
{
    [Fact]
    public void KeepsTheWordsWhoseWordPiecesFit()
    {
        var tokenizer = MiniLm.CreateTokenizer(maxLength: 6); // 4 word pieces besides [CLS] and [SEP]
        Assert.Equal("the cat sat on", TextTruncation.ToBertTokens("the  cat\nsat on the mat", tokenizer));
        Assert.Equal("short", TextTruncation.ToBertTokens("short", tokenizer));
        Assert.Equal(string.Empty, TextTruncation.ToBertTokens("   ", tokenizer));
        // "hello," is two pieces (hello + ","): 2 + 1 ("world") fit, "again!" (again + !) would make 5.
        Assert.Equal("hello, world", TextTruncation.ToBertTokens("hello, world again! more", tokenizer));
    }

    [Fact]
    public void TheCutTextEncodesWithinTheLimitAndTheNextWordWouldNot()
    {
        var tokenizer = MiniLm.CreateTokenizer(maxLength: 16);
        const string text = "Congratulations!!! You have been selected to receive a FREE vacation; call 1-800-555-0199 now, offer expires soon.";
        var cut = TextTruncation.ToBertTokens(text, tokenizer);
        var full = MiniLm.CreateTokenizer(maxLength: 512);
        Assert.True(full.EncodeOne(cut).Length <= 16);
        var words = text.Split(' ');
        var kept = cut.Split(' ').Length;
        Assert.True(full.EncodeOne(string.Join(' ', words.Take(kept + 1))).Length > 16);
        Assert.StartsWith(cut, text, StringComparison.Ordinal);
    }
}
