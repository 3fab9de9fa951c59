namespace Mandate.SenderConstraint;

/// <summary>
/// The <c>WWW-Authenticate</c> challenges of a resource that takes Bearer and DPoP credentials (RFC 6750 §3, RFC 9449
/// §7.1), built one way by resource servers and the MCP gateway. Every quoted value passes through
/// <see cref="OAuthErrorText.Sanitize"/>.
/// </summary>
public static class AuthenticateChallenges
{
    /// <summary>RFC 9449 §7.1: a DPoP proof that is missing, invalid or not by the bound key.</summary>
    public const string InvalidDpopProof = "invalid_dpop_proof";

    /// <summary>
    /// The Bearer challenge, then the DPoP challenge with <c>algs</c>. <paramref name="leading"/> are the parameters both
    /// start with (<c>realm</c>, <c>resource_metadata</c>); <paramref name="scope"/> comes before
    /// <paramref name="error"/> and its description, so a client scanning for the first <c>scope=</c> never reads prose.
    /// An <c>invalid_dpop_proof</c> error belongs to the DPoP challenge only; no error (RFC 6750 §3.1: a request without
    /// a credential) leaves both without one.
    /// </summary>
    public static IReadOnlyList<string> Build(IEnumerable<KeyValuePair<string, string>> leading, IEnumerable<string> dpopAlgorithms, string? scope, string? error, string? description)
    {
        ArgumentNullException.ThrowIfNull(leading);
        ArgumentNullException.ThrowIfNull(dpopAlgorithms);
        var common = leading.Select(p => Parameter(p.Key, p.Value)).ToList();
        var details = new List<string>();
        if (scope is not null)
        {
            details.Add(Parameter("scope", scope));
        }

        if (error is not null)
        {
            details.Add(Parameter("error", error));
            if (description is not null)
            {
                details.Add(Parameter("error_description", description));
            }
        }

        var bearer = error == InvalidDpopProof ? common : [.. common, .. details];
        var dpop = new List<string> { Parameter("algs", string.Join(' ', dpopAlgorithms)) };
        dpop.AddRange(common);
        dpop.AddRange(details);
        return [Challenge("Bearer", bearer), Challenge("DPoP", dpop)];
    }

    private static string Challenge(string scheme, List<string> parameters) =>
        parameters.Count == 0 ? scheme : scheme + " " + string.Join(", ", parameters);

    private static string Parameter(string name, string value) => $"{name}=\"{OAuthErrorText.Sanitize(value)}\"";
}
