using Mandate.Core.Keys;
using Mandate.Core.Protocol;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using C = Mandate.Core.Protocol.OAuthConstants.Claims;

namespace Mandate.Core.Minting;

/// <summary>Signs RFC 9068 access tokens (<c>typ at+jwt</c>, ES256) with this node's active key.</summary>
public sealed class AccessTokenMinter
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningKeyRing _keys;
    private readonly string _issuer;

    public AccessTokenMinter(SigningKeyRing keys, string issuer)
    {
        _keys = keys;
        _issuer = issuer;
    }

    /// <summary>The key the next token will be signed with (its kid goes into the audit record).</summary>
    public SigningKey ActiveKey => _keys.Current.Active;

    /// <summary>Signs the token; returns it with the kid that signed it (for the audit record).</summary>
    public (string Token, string Kid) Mint(CredentialClaims c) => Mint(c, ActiveKey);

    /// <summary>Signs the token with <paramref name="key"/>.</summary>
    public (string Token, string Kid) Mint(CredentialClaims c, SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(key);
        var descriptor = new SecurityTokenDescriptor
        {
            TokenType = OAuthConstants.JwtTypes.AccessToken,
            SigningCredentials = key.Credentials,
            Claims = new Dictionary<string, object>
            {
                [C.Issuer] = _issuer,
                [C.Subject] = c.Subject,
                [C.Audience] = c.Audience,
                [C.Expires] = c.ExpiresAt.ToUnixTimeSeconds(),
                [C.IssuedAt] = c.IssuedAt.ToUnixTimeSeconds(),
                [C.NotBefore] = c.IssuedAt.ToUnixTimeSeconds(),
                [C.JwtId] = c.Jti,
                [C.ClientId] = c.Agent,
                [C.Scope] = c.Scope,
                // RFC 8693 §4.1: the acting party outermost, earlier actors of the delegation nested inside.
                [C.Actor] = Runs.ActorChain.ToClaim(c.Actors),
                [C.Tenant] = c.Tenant,
                [C.Run] = c.Run,
                [C.PolicyVersion] = c.PolicyVersion,
                [C.DecisionId] = c.DecisionId,
            },
        };
        if (c.AuthorizationDetails is { Count: > 0 } details)
        {
            descriptor.Claims[C.AuthorizationDetails] = ClaimValues.ToClaim(details);
        }

        if (c.Confirmation is { IsEmpty: false } cnf)
        {
            descriptor.Claims[Mandate.SenderConstraint.ConfirmationNames.Cnf] = cnf.ToClaimValue();
        }

        if (c.ApprovalId is not null)
        {
            descriptor.Claims[C.Approval] = new Dictionary<string, object> { ["id"] = c.ApprovalId, ["approver"] = c.Approver ?? "" };
        }

        return (_handler.CreateToken(descriptor), key.Kid);
    }
}
