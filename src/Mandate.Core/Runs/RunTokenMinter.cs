using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Core.Protocol;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using C = Mandate.Core.Protocol.OAuthConstants.Claims;

namespace Mandate.Core.Runs;

/// <summary>
/// Signs run tokens, shaped after the IETF Transaction Tokens draft: <c>typ txntoken+jwt</c>,
/// <c>txn</c> = run id, <c>aud</c> = the trust domain, <c>azd</c> = what the run may do, <c>rctx</c> = who asked.
/// </summary>
public sealed class RunTokenMinter
{
    public const string Purpose = "agent-run";
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningKeyRing _keys;
    private readonly MandateOptions _options;

    public RunTokenMinter(SigningKeyRing keys, MandateOptions options)
    {
        _keys = keys;
        _options = options;
    }

    /// <summary>The <c>aud</c> of every run token: this broker's trust domain.</summary>
    public static string AudienceFor(string trustDomain) => "spiffe://" + trustDomain;

    /// <summary>
    /// Signs a run token for <paramref name="run"/>; returns it with its jti and the signing kid. With
    /// <paramref name="confirmation"/> the token is sender-constrained (<c>cnf</c>, RFC 7800): it is honoured only
    /// from the holder of that DPoP key or client certificate.
    /// </summary>
    public (string Token, string Jti, string Kid) Mint(RunRecord run, DateTimeOffset issuedAt, DateTimeOffset expiresAt, Mandate.SenderConstraint.ConfirmationClaim? confirmation = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        var jti = Ids.New("rt");
        var azd = new Dictionary<string, object>
        {
            ["tenant"] = run.Tenant,
            ["tools"] = run.Envelope.ToClaim(),
            ["depth"] = run.Depth,
            ["max_depth"] = run.MaxDepth,
        };
        if (run.User is not null)
        {
            azd["user"] = run.User;
            azd["user_iss"] = run.UserIssuer!;
        }

        if (run.ParentId is not null)
        {
            azd["parent_run"] = run.ParentId;
        }

        var key = _keys.Current.Active;
        var descriptor = new SecurityTokenDescriptor
        {
            TokenType = OAuthConstants.JwtTypes.RunToken,
            SigningCredentials = key.Credentials,
            Claims = new Dictionary<string, object>
            {
                [C.Issuer] = _options.Issuer,
                [C.Audience] = AudienceFor(_options.TrustDomain),
                [C.Subject] = run.User ?? run.Agent,
                [C.IssuedAt] = issuedAt.ToUnixTimeSeconds(),
                [C.Expires] = expiresAt.ToUnixTimeSeconds(),
                [C.JwtId] = jti,
                [C.Transaction] = run.Id,
                [C.Purpose] = Purpose,
                [C.AuthorizationContext] = azd,
                [C.RequesterContext] = new Dictionary<string, object> { ["req_wl"] = run.Agent, ["env"] = _options.Environment },
                [C.Actor] = ActorChain.ToClaim(run.Actors),
            },
        };
        if (confirmation is not null)
        {
            descriptor.Claims[Mandate.SenderConstraint.ConfirmationNames.Cnf] = confirmation.ToClaimValue();
        }

        return (_handler.CreateToken(descriptor), jti, key.Kid);
    }
}
