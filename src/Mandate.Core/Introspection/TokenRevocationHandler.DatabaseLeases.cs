using Mandate.Core.Attestation;
using Mandate.Core.Protocol;
using Mandate.Core.Revocation;

namespace Mandate.Core.Introspection;

/// <summary>RFC 7009 for postgres credentials: the holder presents the connection URI it received.</summary>
public sealed partial class TokenRevocationHandler
{
    private static bool IsDatabaseLogin(string token) => token.StartsWith("postgresql://", StringComparison.Ordinal);

    /// <summary>Revokes the credential whose role the URI names; the reaper then drops the role.</summary>
    private async Task<OAuthError?> RevokeDatabaseLoginAsync(WorkloadIdentity caller, string token, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(token, UriKind.Absolute, out var uri) || uri.UserInfo.Split(':', 2)[0] is not { Length: > 0 } role)
        {
            return null;
        }

        var lease = (await _store.ListDatabaseLeasesAsync(liveOnly: true, cancellationToken)).FirstOrDefault(l => l.Role == role);
        if (lease is null)
        {
            // Unknown or already dropped: nothing to revoke (RFC 7009 §2.2).
            return null;
        }

        var tool = _registry.FindTool(lease.Tool);
        if (caller.SpiffeId != lease.Agent && !(tool?.Workloads.Contains(caller.SpiffeId, StringComparer.Ordinal) ?? false))
        {
            // RFC 7009 §2.1: only the client the credential was issued to (or its tool) may revoke it.
            return TokenRevocationChecks.NotHolder.Refuse("only the agent holding the credential or its tool may revoke it; operators use 'mandate revoke'");
        }

        await _revocations.RevokeAsync(RevocationTarget.Token, lease.Jti, caller.SpiffeId, "revoked via RFC 7009", lease.ExpiresAt, cancellationToken);
        return null;
    }
}
