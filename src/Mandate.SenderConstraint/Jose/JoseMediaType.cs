namespace Mandate.SenderConstraint.Jose;

/// <summary>
/// RFC 7515 §4.1.9 and §4.1.10: <c>typ</c> and <c>cty</c> are media types, so they ignore case (RFC 2045 §5.1), and one
/// without a slash has <c>application/</c> implied before it.
/// </summary>
internal static class JoseMediaType
{
    /// <summary>Whether a <c>typ</c> or <c>cty</c> value names <paramref name="subtype"/> (written without <c>application/</c>).</summary>
    public static bool Is(string? value, string subtype) =>
        value is not null
        && (value.Equals(subtype, StringComparison.OrdinalIgnoreCase)
            || (value.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && value.AsSpan("application/".Length).Equals(subtype, StringComparison.OrdinalIgnoreCase)));
}
