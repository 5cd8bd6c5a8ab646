using System.Text;
using Descent.Text.Transformers;
using Descent.Text.Tokenization;

namespace Descent.Text;

/// <summary>
/// BERT WordPiece tokenization (Hugging Face's <c>BertTokenizer</c>: special tokens kept whole, <see cref="BertPreTokenizer"/>,
/// then <see cref="WordPieceVocabulary"/>), producing padded
/// <see cref="BertInput"/> batches: [CLS] tokens [SEP], truncated to <see cref="MaxLength"/> (the [SEP] is kept),
/// padded with [PAD] to the longest sequence of the batch (or to <see cref="MaxLength"/>), attention mask 1 for
/// tokens and 0 for padding, token types 0. Lower-casing and accent stripping match Hugging Face's uncased BERT.
/// </summary>
public sealed class BertTextTokenizer
{
    /// <summary>The special tokens, kept whole when they occur in a text.</summary>
    private static readonly string[] SpecialTokens = ["[CLS]", "[SEP]", "[PAD]", "[MASK]", WordPieceVocabulary.UnknownToken];

    private readonly WordPieceVocabulary vocabulary;
    private readonly BertPreTokenizer preTokenizer;

    private BertTextTokenizer(WordPieceVocabulary vocabulary, bool lowerCase, int maxLength)
    {
        this.vocabulary = vocabulary;
        preTokenizer = new BertPreTokenizer(lowerCase, SpecialTokens);
        MaxLength = maxLength;
        ClsId = vocabulary["[CLS]"];
        SepId = vocabulary["[SEP]"];
        PadId = vocabulary["[PAD]"];
    }

    /// <summary>The maximum sequence length including [CLS] and [SEP].</summary>
    public int MaxLength { get; }

    /// <summary>Id of [CLS].</summary>
    public int ClsId { get; }

    /// <summary>Id of [SEP].</summary>
    public int SepId { get; }

    /// <summary>Id of [PAD].</summary>
    public int PadId { get; }

    /// <summary>Creates a tokenizer from a WordPiece vocabulary (one token per line).</summary>
    /// <param name="vocab">The vocabulary stream (read, not disposed).</param>
    /// <param name="maxLength">Maximum length including the two special tokens (at least 2).</param>
    /// <param name="lowerCase">Lower-case and strip accents (uncased models).</param>
    public static BertTextTokenizer Create(Stream vocab, int maxLength = 128, bool lowerCase = true)
    {
        ArgumentNullException.ThrowIfNull(vocab);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        if (lowerCase && "\u00e9".Normalize(NormalizationForm.FormD).Length != 2)
        {
            throw new InvalidOperationException(
                "Uncased BERT tokenization strips accents with Unicode normalization, which is unavailable in this process " +
                "(InvariantGlobalization is on, or ICU is missing). Set <InvariantGlobalization>false</InvariantGlobalization> " +
                "in the application's project and install libicu.");
        }

        return new BertTextTokenizer(WordPieceVocabulary.Read(vocab, "[CLS]", "[SEP]", "[PAD]"), lowerCase, maxLength);
    }

    /// <summary>The WordPiece ids of <paramref name="text"/> without special tokens around it and without truncation.</summary>
    public List<int> EncodePieces(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        var start = 0;
        while (start < text.Length)
        {
            var (at, special) = NextSpecial(text, start);
            foreach (var word in preTokenizer.Split(text[start..at]))
            {
                vocabulary.Encode(word, ids);
            }

            if (special is null)
            {
                break;
            }

            ids.Add(vocabulary[special]);
            start = at + special.Length;
        }

        return ids;
    }

    /// <summary>The first special token at or after <paramref name="start"/> (the earliest, then the longest), or (length, null).</summary>
    private static (int At, string? Token) NextSpecial(string text, int start)
    {
        var best = (At: text.Length, Token: (string?)null);
        foreach (var token in SpecialTokens)
        {
            var at = text.IndexOf(token, start, StringComparison.Ordinal);
            if (at >= 0 && (at < best.At || at == best.At && token.Length > best.Token!.Length))
            {
                best = (at, token);
            }
        }

        return best;
    }

    /// <summary>Token ids of one text: [CLS] wordpieces [SEP], at most <see cref="MaxLength"/> of them.</summary>
    public int[] EncodeOne(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Encode fully and cut, as Hugging Face's truncation does (a max-count encode stops at a word boundary).
        var pieces = EncodePieces(text);
        var count = Math.Min(pieces.Count, MaxLength - 2);
        var ids = new int[count + 2];
        ids[0] = ClsId;
        for (var i = 0; i < count; i++)
        {
            ids[i + 1] = pieces[i];
        }

        ids[^1] = SepId;
        return ids;
    }

    /// <summary>A padded batch of texts (padded to the longest, or to <see cref="MaxLength"/> when <paramref name="padToMaxLength"/>).</summary>
    public BertInput Encode(IReadOnlyList<string> texts, bool padToMaxLength = false)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            throw new ArgumentException("need at least one text", nameof(texts));
        }

        var encoded = texts.Select(EncodeOne).ToArray();
        var length = padToMaxLength ? MaxLength : encoded.Max(e => e.Length);
        var ids = new int[texts.Count * length];
        var mask = new int[ids.Length];
        Array.Fill(ids, PadId);
        for (var b = 0; b < encoded.Length; b++)
        {
            encoded[b].CopyTo(ids, b * length);
            mask.AsSpan(b * length, encoded[b].Length).Fill(1);
        }

        return new BertInput(texts.Count, length, ids, attentionMask: mask);
    }
}
