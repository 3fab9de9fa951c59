namespace Mandate.Core.Configuration;

/// <summary>
/// issuers[].required_claims: each listed claim must be present with one of its allowed values, compared
/// ordinally; a value ending in <c>*</c> allows any value with that prefix (<c>refs/heads/release/*</c>).
/// This is how conditions on a CI token's repository, ref or workflow are written.
/// </summary>
public static class RequiredClaims
{
    /// <summary>True when <paramref name="pattern"/> is an allowed value: non-empty, with '*' only at the end.</summary>
    public static bool IsValidPattern(string pattern) =>
        pattern.Length > 0 && pattern.IndexOf('*', StringComparison.Ordinal) is var star && (star < 0 || star == pattern.Length - 1);

    /// <summary>True when <paramref name="value"/> matches one of <paramref name="allowed"/>.</summary>
    public static bool Matches(string value, IEnumerable<string> allowed) =>
        allowed.Any(p => p.EndsWith('*') ? value.StartsWith(p[..^1], StringComparison.Ordinal) : string.Equals(value, p, StringComparison.Ordinal));
}
