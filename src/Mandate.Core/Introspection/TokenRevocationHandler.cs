using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Mandate.Core.Revocation;

namespace Mandate.Core.Introspection;

/// <summary>
/// RFC 7009 revocation by the workloads involved: the agent the token was issued to, or a workload of
/// the tool it is addressed to. Unknown or invalid tokens are answered as success (§2.2).
/// </summary>
public sealed class TokenRevocationHandler
{
    private readonly IssuedTokenValidator _validator;
    private readonly RevocationService _revocations;
    private readonly Registry _registry;

    public TokenRevocationHandler(IssuedTokenValidator validator, RevocationService revocations, Registry registry)
    {
        _validator = validator;
        _revocations = revocations;
        _registry = registry;
    }

    public async Task<OAuthError?> RevokeAsync(WorkloadIdentity caller, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var (issued, _) = await _validator.ValidateAsync(token, allowExpired: true);
        if (issued is null)
        {
            // RFC 7009 §2.2: an invalid token needs no revoking, and saying so would help probing.
            return null;
        }

        var tool = _registry.FindTool(issued.Audience);
        var mayRevoke = caller.SpiffeId == issued.Agent || (tool?.Workloads.Contains(caller.SpiffeId, StringComparer.Ordinal) ?? false);
        if (!mayRevoke)
        {
            // RFC 7009 §2.1: the server verifies the token was issued to the client making the request.
            return OAuthError.UnauthorizedClient("only the agent holding the credential or its tool may revoke it; operators use 'mandate revoke'");
        }

        await _revocations.RevokeAsync(RevocationTarget.Token, issued.Jti, caller.SpiffeId, "revoked via RFC 7009", issued.ExpiresAt, cancellationToken);
        return null;
    }
}
