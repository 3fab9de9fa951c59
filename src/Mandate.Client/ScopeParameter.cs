namespace Mandate.Client;

/// <summary>The <c>scope</c> parameter of a token request (RFC 6749 §3.3).</summary>
internal static class ScopeParameter
{
    /// <summary>
    /// The scopes space-delimited, each once. A token that is empty or holds a character outside NQCHAR (a space,
    /// a quote, a backslash, a control or non-ASCII character) would change the request's meaning, so it is refused.
    /// </summary>
    public static string Join(IReadOnlyList<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        foreach (var scope in scopes)
        {
            if (!IsToken(scope))
            {
                throw new ArgumentException($"scope '{scope}' is not an RFC 6749 §3.3 scope token: name each operation without spaces, quotes or backslashes", nameof(scopes));
            }
        }

        return string.Join(' ', scopes.Distinct(StringComparer.Ordinal));
    }

    /// <summary>RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).</summary>
    public static bool IsToken(string? scope) =>
        !string.IsNullOrEmpty(scope) && !scope.Any(c => c is < '\x21' or '"' or '\\' or > '\x7E');
}
