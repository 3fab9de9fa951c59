namespace Mandate.Policy;

/// <summary>How explanations quote text they did not write: a condition's source, a key or a pattern a caller sent.</summary>
internal static class QuotedText
{
    /// <summary>Longest <c>when:</c> source a caller's refusal quotes; the operator's text (audit, explain) keeps it whole.</summary>
    public const int MaxQuotedCondition = 200;

    /// <summary>Longest caller-chosen value an evaluation error quotes (a map key, a regular expression).</summary>
    public const int MaxQuotedValue = 80;

    /// <summary><paramref name="text"/> itself, or its first characters and "…" so that it is <paramref name="max"/> long.</summary>
    public static string Capped(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        // Never end on half a surrogate pair: the cut text must still be Unicode.
        var keep = char.IsHighSurrogate(text[max - 2]) ? max - 2 : max - 1;
        return text[..keep] + "…";
    }
}
