using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Cli.Commands;

/// <summary>What <c>mandate token inspect</c> says when the broker cannot be asked or the token does not verify: the cause and the fix, not an exception's type name.</summary>
internal static class TokenInspectMessages
{
    /// <summary>
    /// The request's failure with its innermost cause: HttpClient's own text for a TLS or socket failure only says to
    /// "see inner exception", which a command-line user cannot.
    /// </summary>
    public static string Unreachable(HttpRequestException e)
    {
        var outer = Sentence(e.Message);
        Exception innermost = e;
        while (innermost.InnerException is { } inner)
        {
            innermost = inner;
        }

        var cause = Sentence(innermost.Message);
        return cause.Length == 0 || outer.Contains(cause, StringComparison.Ordinal) ? outer : $"{outer} ({cause})";
    }

    /// <summary>Why the token does not verify against the broker at <paramref name="broker"/>, naming what differs.</summary>
    public static string Invalid(TokenValidationResult result, JsonWebToken jwt, string brokerIssuer, Uri broker) => result.Exception switch
    {
        SecurityTokenInvalidIssuerException =>
            $"issued by '{jwt.Issuer}', but the broker at {broker} is '{brokerIssuer}'; verify it at the broker that issued it (--broker URL or -c CONFIG)",
        SecurityTokenExpiredException => $"expired at {jwt.ValidTo:u}",
        SecurityTokenNotYetValidException => $"not valid before {jwt.ValidFrom:u}",
        SecurityTokenSignatureKeyNotFoundException =>
            $"signed with key '{jwt.Kid}', which the broker at {broker} does not publish (another broker, or a key retired since)",
        SecurityTokenInvalidSignatureException => "the signature does not verify with the broker's key: the token was altered or signed by someone else",
        SecurityTokenInvalidTypeException => $"typ '{jwt.Typ}' is neither a Mandate credential (at+jwt) nor a run token (txntoken+jwt)",
        SecurityTokenInvalidAlgorithmException => $"alg '{jwt.Alg}' is neither ES256 nor RS256, the algorithms Mandate signs with",
        { } other => other.GetType().Name.Replace("SecurityToken", "", StringComparison.Ordinal).Replace("Exception", "", StringComparison.Ordinal),
        null => "unknown",
    };

    private static string Sentence(string message) =>
        message.Replace(", see inner exception", "", StringComparison.Ordinal).Trim().TrimEnd('.');
}
