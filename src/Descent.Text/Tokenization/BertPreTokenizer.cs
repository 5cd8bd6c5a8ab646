using System.Globalization;
using System.Text;

namespace Descent.Text.Tokenization;

/// <summary>
/// BERT's basic tokenization, as Hugging Face's <c>BasicTokenizer</c>: removes NUL, U+FFFD and control characters,
/// maps whitespace to spaces, puts spaces around CJK ideographs, normalizes to NFC, splits on whitespace, then (uncased)
/// lower-cases and strips accents (NFD, non-spacing marks removed) and splits every punctuation character into a
/// token of its own. Tokens in the never-split list (the special tokens) pass unchanged.
/// </summary>
public sealed class BertPreTokenizer
{
    private readonly HashSet<string> neverSplit;

    /// <summary>Creates a pre-tokenizer.</summary>
    /// <param name="lowerCase">Lower-case and strip accents (uncased models).</param>
    /// <param name="neverSplit">Tokens kept as they are (e.g. [CLS]); none when null.</param>
    public BertPreTokenizer(bool lowerCase, IEnumerable<string>? neverSplit = null)
    {
        LowerCase = lowerCase;
        this.neverSplit = new HashSet<string>(neverSplit ?? [], StringComparer.Ordinal);
    }

    /// <summary>Whether tokens are lower-cased and stripped of accents.</summary>
    public bool LowerCase { get; }

    /// <summary>The words and punctuation marks of <paramref name="text"/>.</summary>
    public List<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cleaned = Clean(text).Normalize(NormalizationForm.FormC);
        var tokens = new List<string>();
        foreach (var word in cleaned.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (neverSplit.Contains(word))
            {
                tokens.Add(word);
                continue;
            }

            var w = LowerCase ? StripAccents(word.ToLowerInvariant()) : word;
            SplitOnPunctuation(w, tokens);
        }

        return tokens;
    }

    /// <summary>Drops NUL, U+FFFD and control characters, turns whitespace into spaces and surrounds CJK ideographs with spaces.</summary>
    private static string Clean(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var cp = rune.Value;
            if (cp == 0 || cp == 0xFFFD || IsControl(rune))
            {
                continue;
            }

            if (IsWhitespace(rune))
            {
                sb.Append(' ');
            }
            else if (IsCjk(cp))
            {
                sb.Append(' ').Append(rune.ToString()).Append(' ');
            }
            else
            {
                sb.Append(rune.ToString());
            }
        }

        return sb.ToString();
    }

    private static string StripAccents(string word)
    {
        var decomposed = word.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var rune in decomposed.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(rune.ToString());
            }
        }

        return sb.ToString();
    }

    private static void SplitOnPunctuation(string word, List<string> tokens)
    {
        var current = new StringBuilder();
        foreach (var rune in word.EnumerateRunes())
        {
            if (IsPunctuation(rune))
            {
                if (current.Length > 0)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                }

                tokens.Add(rune.ToString());
            }
            else
            {
                current.Append(rune.ToString());
            }
        }

        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }
    }

    /// <summary>Space, tab, newline, carriage return, and Unicode space separators (Zs) and the other characters .NET
    /// and Python treat as whitespace when splitting.</summary>
    private static bool IsWhitespace(Rune rune) =>
        rune.Value is ' ' or '\t' or '\n' or '\r'
        || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator
        || Rune.IsWhiteSpace(rune) && !IsControl(rune);

    /// <summary>Unicode categories C* (control, format, surrogate, private use, unassigned) except tab, newline and carriage return.</summary>
    private static bool IsControl(Rune rune)
    {
        if (rune.Value is '\t' or '\n' or '\r')
        {
            return false;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;
    }

    /// <summary>ASCII non-letters-or-digits (33–47, 58–64, 91–96, 123–126, as BERT counts <c>$</c> or <c>^</c>) and Unicode punctuation (P*).</summary>
    private static bool IsPunctuation(Rune rune)
    {
        var cp = rune.Value;
        if (cp is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126)
        {
            return true;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>The CJK Unified Ideographs blocks BERT surrounds with spaces (not Hiragana, Katakana or Hangul).</summary>
    private static bool IsCjk(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
