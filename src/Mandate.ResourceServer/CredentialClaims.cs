using System.Security.Claims;
using System.Text.Json;
using Mandate.SenderConstraint.Jose;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.ResourceServer;

/// <summary>
/// The claims every Mandate credential carries (docs/token-format.md); one missing means it is not one. A tool credential
/// certificate states the same (<see cref="ToolCertificateValidator"/>), with no run when issued outside one.
/// </summary>
internal sealed record CredentialClaims(string Jti, string Agent, string Subject, string Tenant, string? Run, string Scope, IReadOnlyList<string> Actors)
{
    /// <summary>Delegation chains are short (max_delegation_depth); a deep one is hostile input, not a chain.</summary>
    private const int MaxActorDepth = 16;

    public string? PolicyVersion { get; init; }

    public string? DecisionId { get; init; }

    public static CredentialClaims Read(JsonWebToken token, string audience)
    {
        // Read the payload as JSON so a claim of the wrong type is refused, not converted (an object's text is not a tenant).
        using var document = JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        var payload = document.RootElement;
        string? Optional(string name) => payload.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        string Required(string name) => Optional(name) is { Length: > 0 } value
            ? value
            : throw MandateTokenFailure.Token($"the credential has no '{name}' string claim; it is not a Mandate tool credential");

        // A credential is for one tool (docs/token-format.md): several audiences mean it could be replayed elsewhere.
        if (token.Audiences.Count() != 1 || token.Audiences.Single() != audience)
        {
            throw MandateTokenFailure.Token($"the credential must name exactly one audience, '{audience}'");
        }

        var actors = new List<string>();
        if (payload.TryGetProperty("act", out var act))
        {
            // RFC 8693 §4.1: act is an object with sub, possibly nesting earlier actors; anything else is not a chain we can attribute.
            while (true)
            {
                if (act.ValueKind != JsonValueKind.Object || !act.TryGetProperty("sub", out var sub) || sub.ValueKind != JsonValueKind.String)
                {
                    throw MandateTokenFailure.Token("the credential's act claim is not a chain of {\"sub\": ...} objects");
                }

                if (actors.Count == MaxActorDepth)
                {
                    throw MandateTokenFailure.Token("the credential's act chain is deeper than any delegation Mandate issues");
                }

                if (!IdentityText.IsAllowed(sub.GetString()))
                {
                    throw MandateTokenFailure.Token($"the credential's act chain names an actor that is not an identity value ({IdentityText.Rule})");
                }

                actors.Add(sub.GetString()!);
                if (!act.TryGetProperty("act", out act))
                {
                    break;
                }
            }
        }

        return new CredentialClaims(Required("jti"), Required("client_id"), Required("sub"), Required("tenant"), Required("run"), Required("scope"), actors)
        {
            PolicyVersion = Optional("pol"),
            DecisionId = Optional("dec"),
        };
    }

    public ClaimsIdentity ToIdentity(string scheme, string binding)
    {
        var claims = new List<Claim>
        {
            new(MandateClaimTypes.CredentialId, Jti),
            new(MandateClaimTypes.Agent, Agent),
            new(MandateClaimTypes.Subject, Subject),
            new(MandateClaimTypes.Tenant, Tenant),
            new(MandateClaimTypes.Binding, binding),
        };
        if (Run is not null)
        {
            claims.Add(new(MandateClaimTypes.Run, Run));
        }

        claims.AddRange(Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).Select(s => new Claim(MandateClaimTypes.Scope, s)));
        claims.AddRange(Actors.Select(a => new Claim(MandateClaimTypes.Actor, a)));
        if (PolicyVersion is not null)
        {
            claims.Add(new(MandateClaimTypes.PolicyVersion, PolicyVersion));
        }

        if (DecisionId is not null)
        {
            claims.Add(new(MandateClaimTypes.DecisionId, DecisionId));
        }

        return new ClaimsIdentity(claims, scheme, MandateClaimTypes.Subject, roleType: null);
    }
}
