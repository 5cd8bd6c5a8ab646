namespace Descent.Text.Data;

/// <summary>One labelled document of a text-classification corpus.</summary>
/// <param name="Id">The document's id within its group (SpamAssassin: the five-digit file number, e.g. "00042").</param>
/// <param name="Group">The collection it comes from (SpamAssassin: easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2).
/// Ids repeat across groups; (Group, Id) is unique.</param>
/// <param name="Text">The cleaned text (for e-mail: <see cref="EmailText.ToPlainText"/>).</param>
/// <param name="Label">1 = positive (spam), 0 = negative (ham).</param>
public sealed record LabeledText(string Id, string Group, string Text, int Label);
