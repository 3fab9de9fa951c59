using System.Collections.Frozen;
using System.Text.Json;

namespace Mandate.SenderConstraint.Jose;

/// <summary>
/// RFC 7515 §4.1.11: <c>crit</c> lists extension header parameters a recipient MUST understand and process;
/// if any listed extension is not understood, the JWS MUST be rejected. A malformed list (not an array, empty,
/// non-string or repeated members, registered names, names absent from the header) is refused too, as the
/// RFC allows, so a token that cannot say clearly what is critical is never believed.
/// </summary>
public static class CriticalHeader
{
    /// <summary>The JOSE header parameter name.</summary>
    public const string Name = "crit";

    /// <summary>
    /// Header parameters defined by RFC 7515 §4.1, RFC 7516 §4.1 and RFC 7518 §4.6-4.8: producers MUST NOT list
    /// them in <c>crit</c>, since every recipient already processes them.
    /// </summary>
    private static readonly FrozenSet<string> Registered = FrozenSet.ToFrozenSet(
    [
        "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
        "enc", "zip", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c",
    ], StringComparer.Ordinal);

    /// <summary>
    /// Extensions Mandate understands and processes. None today, so any <c>crit</c> is refused; an extension is
    /// added here only together with the code that processes it.
    /// </summary>
    public static IReadOnlySet<string> Understood { get; } = FrozenSet<string>.Empty;

    /// <summary>Null when <paramref name="header"/> (a JOSE header object) has no <c>crit</c> or only understood ones.</summary>
    public static JwtRuleViolation? Check(JsonElement header)
    {
        if (!header.TryGetProperty(Name, out var crit))
        {
            return null;
        }

        if (crit.ValueKind != JsonValueKind.Array)
        {
            return Malformed("has a 'crit' header that is not an array of header parameter names; omit crit, or list the extension header names it uses");
        }

        if (crit.GetArrayLength() == 0)
        {
            return Malformed("has an empty 'crit' array, which producers must not send; omit crit when no extension is critical");
        }

        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in crit.EnumerateArray())
        {
            if (member.ValueKind != JsonValueKind.String)
            {
                return Malformed("has a 'crit' member that is not a string; list header parameter names only");
            }

            var name = member.GetString()!;
            if (!listed.Add(name))
            {
                return Malformed("lists a header parameter twice in 'crit'; list each extension once");
            }

            if (Registered.Contains(name))
            {
                return Malformed("lists a registered header parameter (such as alg, kid or typ) in 'crit'; list only extension header parameters");
            }

            if (!header.TryGetProperty(name, out _))
            {
                return Malformed("lists in 'crit' a header parameter its JOSE header does not carry; list only extensions the header uses");
            }
        }

        // Checked after the shape, so a malformed list is reported as malformed even when it would also be unknown.
        return listed.All(Understood.Contains)
            ? null
            : new JwtRuleViolation(JwtRuleChecks.CriticalUnsupported,
                "marks as critical ('crit' header) an extension Mandate does not understand, and such a token must be refused (RFC 7515 section 4.1.11); issue it without critical extensions");
    }

    private static JwtRuleViolation Malformed(string problem) =>
        new(JwtRuleChecks.CriticalMalformed, problem + " (RFC 7515 section 4.1.11)");
}
