using System.Text;

namespace Mandate.Server.Tests.Harness;

/// <summary>
/// Builds a token that is valid except for one <see cref="TokenDefect"/>: same claims, same issuer,
/// signed with the issuer's real key unless the defect is about the key or the signature.
/// </summary>
internal static class HostileTokens
{
    /// <summary>What the refusal must say, so a token refused for some other reason fails the test.</summary>
    public static string ExpectedReason(TokenDefect defect) => defect switch
    {
        TokenDefect.Expired => "has expired",
        TokenDefect.NotYetValid => "not yet valid",
        TokenDefect.WrongAudience => "not addressed to Mandate",
        TokenDefect.UntrustedIssuer => "issuer that is not trusted",
        TokenDefect.ForgedSignature => "signature does not verify",
        TokenDefect.AlgNone or TokenDefect.Hs256WithPublicKey => "algorithm",
        TokenDefect.HeaderJwk => "'jwk' header",
        TokenDefect.HeaderJku => "'jku' header",
        TokenDefect.Garbage or TokenDefect.Oversized => "not a well-formed signed JWT",
        _ => throw new ArgumentOutOfRangeException(nameof(defect)),
    };

    /// <param name="defect">The one thing wrong with the token.</param>
    /// <param name="issuer">The real key of the issuer the valid token would come from.</param>
    /// <param name="claims">The claims of a valid token (iss, sub, aud, iat, exp, …).</param>
    /// <param name="now">The broker's clock.</param>
    public static string Create(TokenDefect defect, IssuerKey issuer, IReadOnlyDictionary<string, object> claims, DateTimeOffset now)
    {
        var c = new Dictionary<string, object>(claims);
        using var attacker = IssuerKey.Attacker(issuer.Issuer);
        switch (defect)
        {
            case TokenDefect.Expired:
                // Well past the 30 s clock skew the issuers allow.
                c["iat"] = (now - TimeSpan.FromMinutes(20)).ToUnixTimeSeconds();
                c["exp"] = (now - TimeSpan.FromMinutes(5)).ToUnixTimeSeconds();
                return issuer.Sign(c);
            case TokenDefect.NotYetValid:
                c["nbf"] = (now + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds();
                return issuer.Sign(c);
            case TokenDefect.WrongAudience:
                c["aud"] = "https://some-other-broker.example";
                return issuer.Sign(c);
            case TokenDefect.UntrustedIssuer:
                c["iss"] = "https://evil.example";
                return attacker.Sign(c);
            case TokenDefect.ForgedSignature:
                // Key substitution: the real issuer's iss and kid, signed with a key it never had.
                return attacker.Sign(c, new Dictionary<string, object> { ["kid"] = issuer.Kid });
            case TokenDefect.AlgNone:
                return RawJwt.Encode(new Dictionary<string, object> { ["alg"] = "none", ["typ"] = "JWT" }, c, sign: null);
            case TokenDefect.Hs256WithPublicKey:
                // RFC 8725 §2.1: the public key a verifier holds, misused as an HMAC secret.
                return RawJwt.Encode(
                    new Dictionary<string, object> { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = issuer.Kid },
                    c,
                    RawJwt.Hs256(Encoding.UTF8.GetBytes(issuer.JwksJson)));
            case TokenDefect.HeaderJwk:
                // The token vouches for itself: signed by the attacker, carrying the attacker's public key.
                return attacker.Sign(c, new Dictionary<string, object> { ["jwk"] = RawJwt.PublicJwk(attacker.Key) });
            case TokenDefect.HeaderJku:
                return attacker.Sign(c, new Dictionary<string, object> { ["jku"] = "https://evil.example/jwks.json" });
            case TokenDefect.Garbage:
                return "eyJhbGciOiJFUzI1NiJ9.not-json-at-all.c2lnbmF0dXJl";
            case TokenDefect.Oversized:
                c["padding"] = new string('a', 17 * 1024);
                return issuer.Sign(c);
            default:
                throw new ArgumentOutOfRangeException(nameof(defect));
        }
    }
}
