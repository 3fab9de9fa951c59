namespace Mandate.Policy;

/// <summary>
/// "Did you mean" for names an operator typed: policy and configuration keys, tool names, audit kinds.
/// One rule everywhere, so a typo is caught the same way whichever file it is in.
/// </summary>
public static class NameSuggestions
{
    /// <summary>The known name closest to <paramref name="typed"/> (case-insensitive edit distance), or null when none is close.</summary>
    public static string? Closest(string typed, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(known);

        // Short names get a tighter bound, or every two-letter typo would "mean" 'id'.
        return known
            .Select(k => (Name: k, Distance: Distance(k, typed)))
            .Where(c => c.Distance <= (c.Name.Length <= 4 ? 1 : 2))
            .OrderBy(c => c.Distance)
            .Select(c => c.Name)
            .FirstOrDefault();
    }

    /// <summary>"did you mean 'x'?" when a name is close, else the list of known names.</summary>
    public static string Hint(string typed, IReadOnlyCollection<string> known, string knownLabel = "known keys") =>
        Closest(typed, known) is { } suggestion ? $"did you mean '{suggestion}'?" : $"{knownLabel}: {string.Join(", ", known)}";

    // Levenshtein distance with a swap of two neighbouring letters as one edit (optimal string alignment), so 'ned'
    // is one edit from 'end'; names are a dozen characters, so the quadratic table is trivial.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i, j - 1] + 1, d[i - 1, j] + 1), d[i - 1, j - 1] + (Same(a[i - 1], b[j - 1]) ? 0 : 1));
                if (i > 1 && j > 1 && Same(a[i - 1], b[j - 2]) && Same(a[i - 2], b[j - 1]))
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static bool Same(char x, char y) => char.ToLowerInvariant(x) == char.ToLowerInvariant(y);
}
