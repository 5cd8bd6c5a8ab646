namespace Descent.Text.Classification;

/// <summary>
/// Cuts a text to what a BERT model with a maximum sequence length sees, in whole words, so that a baseline can be
/// compared fairly with a transformer that truncates its input (e.g. MiniLM at 128 tokens).
/// </summary>
public static class TextTruncation
{
    /// <summary>
    /// The leading whitespace-separated words of <paramref name="text"/> whose WordPiece tokens fit in
    /// <c>tokenizer.MaxLength − 2</c> (room for [CLS] and [SEP]); a word whose pieces would cross the limit is dropped
    /// whole. BERT's basic tokenizer splits on whitespace first, so the pieces of the words add up to those of the text.
    /// The words are re-joined with single spaces.
    /// </summary>
    public static string ToBertTokens(string text, BertTextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var budget = tokenizer.MaxLength - 2;
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var used = 0;
        var kept = 0;
        foreach (var word in words)
        {
            var pieces = tokenizer.EncodeOne(word).Length - 2;
            if (used + pieces > budget)
            {
                break;
            }

            used += pieces;
            kept++;
        }

        return string.Join(' ', words, 0, kept);
    }
}
